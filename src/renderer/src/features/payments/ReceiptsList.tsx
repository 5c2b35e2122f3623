// A student's receipts, with reprint (PDF) and cancellation (reason + a second person's approval).
import { Alert, Badge, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { ApprovalModal } from '../../components/ApprovalModal';
import { DataTable } from '../../components/DataTable';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { PAYMENT_MODE_LABELS, type PaymentSummary } from '../../../../shared/contract/payments';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { printReceipt } from './ReceiptPreview';
import { useDates } from '../../components/school';

export function ReceiptsList({
  receipts,
  money,
  canBounce,
  onChanged,
}: {
  receipts: PaymentSummary[];
  money: MoneyFormat;
  canBounce: boolean;
  onChanged: () => void;
}) {
  const [cancelling, setCancelling] = useState<PaymentSummary | null>(null);
  const dates = useDates();
  const [bouncing, setBouncing] = useState<PaymentSummary | null>(null);
  return (
    <>
      <DataTable
        label="Receipts"
        bordered
        rows={receipts}
        rowKey={(r) => r.paymentId}
        columns={[
          { header: 'Receipt', cell: (r) => r.receiptNo },
          { header: 'Date', cell: (r) => dates.date(r.businessDate) },
          { header: 'Mode', cell: (r) => PAYMENT_MODE_LABELS[r.mode] },
          { header: 'Amount', align: 'right', cell: (r) => money.format(r.amount) },
          { header: 'Status', cell: (r) => <Badge color={r.status === 'valid' ? 'teal.9' : 'red.9'}>{r.status}</Badge> },
          {
            header: 'Actions',
            cell: (r) => (
              <Group gap="xs">
                <Button size="xs" variant="default" onClick={() => void printReceipt(r.paymentId, 'pdf').then(onChanged)}>
                  Reprint PDF
                </Button>
                {r.status === 'valid' && (
                  <Button size="xs" variant="default" color="red" onClick={() => setCancelling(r)}>
                    Cancel…
                  </Button>
                )}
                {r.status === 'valid' && (r.mode === 'cheque' || r.mode === 'dd') && canBounce && (
                  <Button size="xs" variant="default" color="red" onClick={() => setBouncing(r)}>
                    Bounced…
                  </Button>
                )}
              </Group>
            ),
          },
        ]}
      />
      {receipts.length === 0 && <Alert>No receipts yet.</Alert>}
      {cancelling && (
        <ApprovalModal
          title={`Cancel receipt ${cancelling.receiptNo}`}
          action="Cancel receipt"
          onClose={() => setCancelling(null)}
          onSubmit={async ({ reason, approver }) => {
            await request(api().payments.cancel({ paymentId: cancelling.paymentId, reason, approver }));
            onChanged();
          }}
        />
      )}
      {bouncing && <BounceModal receipt={bouncing} onClose={() => setBouncing(null)} onDone={onChanged} />}
    </>
  );
}

/** The bank returned a cheque or draft: reverse it and add the bounce charge (accountant or admin). */
export function BounceModal({
  receipt,
  onClose,
  onDone,
}: {
  receipt: Pick<PaymentSummary, 'paymentId' | 'receiptNo'>;
  onClose: () => void;
  onDone: () => void;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { bankReason: '' } });
  return (
    <Modal opened onClose={onClose} title={`Cheque bounced: ${receipt.receiptNo}`}>
      <form
        onSubmit={form.onSubmit(async ({ bankReason }) => {
          try {
            await request(api().payments.bounce({ paymentId: receipt.paymentId, bankReason }));
            onDone();
            onClose();
          } catch (err) {
            setFailure(showApiError(form, err));
          }
        })}
      >
        <Stack>
          <TextInput label="Bank's reason" data-autofocus {...form.getInputProps('bankReason')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Record bounce" />
        </Stack>
      </form>
    </Modal>
  );
}
