// What the printed receipt will say, right after saving; Save PDF writes the plain receipt.
import { Alert, Badge, Button, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import type { Receipt } from '../../../../shared/contract/payments';
import { api, request } from '../../api/client';
import { downloadPdf } from '../../components/download';
import type { MoneyFormat } from '../../components/money';
import { useState } from 'react';

/** Prints (or saves) the next copy: the first is the original, later ones say DUPLICATE. */
export async function printReceipt(paymentId: string, target: 'pdf' | 'printer'): Promise<number> {
  const { fileName, base64, copyNo } = await request(api().receipts.print({ paymentId, target }));
  if (target === 'pdf') downloadPdf(fileName, base64);
  return copyNo;
}

export function ReceiptPreview({ receipt, money, onNext }: { receipt: Receipt; money: MoneyFormat; onNext: () => void }) {
  const [note, setNote] = useState<string | null>(null);
  const run = async (target: 'pdf' | 'printer') => {
    try {
      const copy = await printReceipt(receipt.paymentId, target);
      setNote(copy === 1 ? (target === 'printer' ? 'Sent to the printer.' : 'Saved.') : `Copy ${copy} (marked DUPLICATE).`);
    } catch (err) {
      setNote((err as Error).message);
    }
  };
  return (
    <Paper withBorder p="lg" role="region" aria-label="Receipt preview" maw={620}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3}>Receipt {receipt.receiptNo}</Title>
          {receipt.status !== 'valid' && <Badge color="red">{receipt.status}</Badge>}
        </Group>
        <Text>
          {receipt.school.name} · {new Intl.DateTimeFormat(receipt.school.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(receipt.receivedAt))} · Desk {receipt.deskCode} · {receipt.cashier.name}
        </Text>
        {receipt.students.map((s) => (
          <Text key={s.id}>
            {s.fullName} ({s.admissionNo}) · {s.className}
            {s.section ? `-${s.section}` : ''} · Guardian {s.guardianName}
          </Text>
        ))}
        <DataTable
          label="Receipt lines"
          striped={false}
          rows={receipt.lines}
          rowKey={(_, i) => i}
          columns={[
            { header: 'Installment', cell: (l) => l.installment },
            { header: 'Head', cell: (l) => l.head },
            { header: 'Paid', align: 'right', cell: (l) => money.format(l.amount) },
          ]}
        />
        {receipt.creditUsed > 0 && <Text>Advance credit used: {money.format(receipt.creditUsed)}</Text>}
        {receipt.creditAdded > 0 && <Text>Kept as advance credit: {money.format(receipt.creditAdded)}</Text>}
        <Divider />
        <Group justify="space-between">
          <Text fw={700}>Total paid ({receipt.mode})</Text>
          <Text fw={700} data-testid="receipt-total">
            {money.format(receipt.amount)}
          </Text>
        </Group>
        {receipt.change !== null && <Text>Change returned: {money.format(receipt.change)}</Text>}
        <Group justify="space-between">
          <Text>Balance after this payment</Text>
          <Text fw={700} data-testid="receipt-balance">
            {money.format(receipt.balanceAfter)}
          </Text>
        </Group>
        {receipt.event && (
          <Alert color="red">
            {receipt.event.kind} on {receipt.event.at.slice(0, 10)}: {receipt.event.reason}
          </Alert>
        )}
        {note && <Text role="status">{note}</Text>}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={() => void run('pdf')}>
            Save PDF
          </Button>
          <Button variant="default" onClick={() => void run('printer')}>
            Print
          </Button>
          <Button onClick={onNext} data-autofocus autoFocus>
            Next collection (Enter)
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
