// A student's receipts, with reprint (PDF) and cancellation (reason + a second person's approval).
import { Alert, Badge, Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { PaymentSummary } from '../../../../shared/contract/payments';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { printReceipt } from './ReceiptPreview';

export function ReceiptsList({ receipts, money, onChanged }: { receipts: PaymentSummary[]; money: MoneyFormat; onChanged: () => void }) {
  const [cancelling, setCancelling] = useState<PaymentSummary | null>(null);
  return (
    <>
      <DataTable
        label="Receipts"
        bordered
        rows={receipts}
        rowKey={(r) => r.paymentId}
        columns={[
          { header: 'Receipt', cell: (r) => r.receiptNo },
          { header: 'Date', cell: (r) => r.receivedAt.slice(0, 10) },
          { header: 'Mode', cell: (r) => r.mode },
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
              </Group>
            ),
          },
        ]}
      />
      {receipts.length === 0 && <Alert>No receipts yet.</Alert>}
      <CancelModal receipt={cancelling} onClose={() => setCancelling(null)} onDone={onChanged} />
    </>
  );
}

function CancelModal({ receipt, onClose, onDone }: { receipt: PaymentSummary | null; onClose: () => void; onDone: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ initialValues: { reason: '', approver: { username: '', password: '' } } });
  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    if (!receipt) return;
    try {
      await request(api().payments.cancel({ paymentId: receipt.paymentId, ...values }));
      onDone();
      close();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });
  return (
    <Modal opened={receipt !== null} onClose={close} title={`Cancel receipt ${receipt?.receiptNo ?? ''}`}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Reason" data-autofocus {...form.getInputProps('reason')} />
          <TextInput label="Approver (accountant or admin) username" {...form.getInputProps('approver.username')} />
          <PasswordInput label="Approver password" {...form.getInputProps('approver.password')} />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Cancel receipt" />
        </Stack>
      </form>
    </Modal>
  );
}
