// What a confirmation put in the books: the receipts it recorded (printable as any receipt), and how many counter
// payments the bank confirmed and cheques it cleared.
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ReconcileResult } from '../../../../shared/contract/reconcile';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { printReceipt } from '../payments/ReceiptPreview';

export interface Confirmed extends Omit<ReconcileResult, 'preview'> {
  /** Whose each recorded receipt is, by row, as the lines said when they were confirmed. */
  students: ReadonlyMap<number, string>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function ConfirmedLines({ confirmed, money }: { confirmed: Confirmed; money: MoneyFormat }) {
  const [note, setNote] = useState<string | null>(null);
  const print = (paymentId: string, receiptNo: string, target: 'pdf' | 'printer') =>
    printReceipt(paymentId, target).then(
      (copy) =>
        setNote(
          `Receipt ${receiptNo}: ${target === 'pdf' ? 'saved' : 'sent to the printer'}${copy > 1 ? ` (copy ${copy}, marked DUPLICATE)` : ''}.`,
        ),
      (e: Error) => setNote(e.message),
    );
  const { recorded } = confirmed;
  return (
    <Paper withBorder p="md" role="region" aria-label="Confirmed into the books">
      <Stack gap="xs">
        <Title order={3}>Confirmed into the books</Title>
        <Text role="status">
          {plural(recorded.length, 'receipt recorded', 'receipts recorded')} ·{' '}
          {plural(confirmed.confirmed, 'counter payment confirmed by the bank', 'counter payments confirmed by the bank')} ·{' '}
          {plural(confirmed.cleared, 'cheque cleared', 'cheques cleared')}
        </Text>
        {recorded.length > 0 && (
          <DataTable
            label="Receipts recorded"
            rows={recorded}
            rowKey={(r) => r.paymentId}
            columns={[
              { header: 'Row', cell: (r) => r.row },
              { header: 'Receipt', cell: (r) => r.receiptNo },
              { header: 'Student', cell: (r) => confirmed.students.get(r.row) ?? '' },
              { header: 'Amount', align: 'right', cell: (r) => money.format(r.amount) },
              {
                header: 'Receipt copy',
                cell: (r) => (
                  <Group gap="xs">
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Save PDF of receipt ${r.receiptNo}`}
                      onClick={() => void print(r.paymentId, r.receiptNo, 'pdf')}
                    >
                      Save PDF
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={`Print receipt ${r.receiptNo}`}
                      onClick={() => void print(r.paymentId, r.receiptNo, 'printer')}
                    >
                      Print
                    </Button>
                  </Group>
                ),
              },
            ]}
          />
        )}
        {note && <Text role="status">{note}</Text>}
      </Stack>
    </Paper>
  );
}
