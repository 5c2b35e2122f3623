// What the printed receipt will say, right after saving; Save PDF writes the plain receipt.
import { Alert, Badge, Button, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import { paymentModeInText, type Receipt } from '../../../../shared/contract/payments';
import { api, request } from '../../api/client';
import { downloadPdf } from '../../components/download';
import type { MoneyFormat } from '../../components/money';
import { type KeyboardEvent, useEffect, useEffectEvent, useRef, useState } from 'react';
import { useDates } from '../../components/school';
import { installmentOf, linesByStudent, receivedWithThanks } from '../../../../shared/domain/receipt-text';

/** Prints (or saves) the next copy: the first is the original, later ones say DUPLICATE. */
export async function printReceipt(paymentId: string, target: 'pdf' | 'printer'): Promise<number> {
  const { fileName, base64, copyNo } = await request(api().receipts.print({ paymentId, target }));
  if (target === 'pdf') downloadPdf(fileName, base64);
  return copyNo;
}

/**
 * Enter always means "next collection", wherever focus is: a cashier's Enter after Print must never print a DUPLICATE.
 * Ctrl+P (⌘P) prints to the desk's printer. `printed`: what became of the print made on save, if the desk prints on save.
 */
export function ReceiptPreview({
  receipt,
  money,
  onNext,
  printed = null,
}: {
  receipt: Receipt;
  money: MoneyFormat;
  onNext: () => void;
  printed?: string | null;
}) {
  const [note, setNote] = useState<string | null>(printed);
  const family = receipt.students.length > 1;
  const dates = useDates();
  const [printing, setPrinting] = useState(false);
  const next = useRef<HTMLButtonElement>(null);
  const run = async (target: 'pdf' | 'printer') => {
    setPrinting(true);
    try {
      const copy = await printReceipt(receipt.paymentId, target);
      setNote(copy === 1 ? (target === 'printer' ? 'Sent to the printer.' : 'Saved.') : `Copy ${copy} (marked DUPLICATE).`);
    } catch (err) {
      setNote((err as Error).message);
    } finally {
      setPrinting(false);
      next.current?.focus();
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // Before the focused button sees it: Enter on Print would print again.
    e.preventDefault();
    e.stopPropagation();
    onNext();
  };
  // Ctrl+P wherever focus is while the receipt shows: the desk's printer, not the browser's page print.
  const printShortcut = useEffectEvent((e: globalThis.KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.code !== 'KeyP' || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (!printing) void run('printer');
  });
  useEffect(() => {
    const listener = (e: globalThis.KeyboardEvent) => printShortcut(e);
    window.addEventListener('keydown', listener, true);
    return () => window.removeEventListener('keydown', listener, true);
  }, []);
  return (
    <Paper withBorder p="lg" role="region" aria-label="Receipt preview" maw={620} onKeyDownCapture={onKeyDown}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3}>Receipt {receipt.receiptNo}</Title>
          {receipt.status !== 'valid' && <Badge color="red">{receipt.status}</Badge>}
        </Group>
        <Text>
          {receipt.school.name} · {dates.dateTime(receipt.receivedAt)} · Desk {receipt.deskCode} · {receipt.cashier.name}
        </Text>
        <Text data-testid="receipt-thanks">{receivedWithThanks(receipt)}</Text>
        {linesByStudent(receipt).map((part) => (
          <Stack key={part.student.id} gap={2}>
            <Text fw={600}>
              {part.student.fullName} ({part.student.admissionNo}) · {part.student.className}
              {part.student.section ? `-${part.student.section}` : ''}
            </Text>
            <DataTable
              label={family ? `Receipt lines for ${part.student.fullName}` : 'Receipt lines'}
              striped={false}
              rows={part.lines}
              rowKey={(_, i) => i}
              columns={[
                { header: 'Installment', cell: (l) => installmentOf(l) },
                { header: 'Head', cell: (l) => l.head },
                { header: 'Paid', align: 'right', cell: (l) => money.format(l.amount) },
              ]}
            />
            {family && (
              <Group justify="space-between">
                <Text fw={600}>For {part.student.fullName}</Text>
                <Text fw={600} data-testid="receipt-child-total">
                  {money.format(part.total)}
                </Text>
              </Group>
            )}
          </Stack>
        ))}
        {receipt.creditUsed > 0 && <Text>Advance credit used: {money.format(receipt.creditUsed)}</Text>}
        {receipt.creditAdded > 0 && <Text>Kept as advance credit: {money.format(receipt.creditAdded)}</Text>}
        <Divider />
        <Group justify="space-between">
          <Text fw={700}>Total paid ({paymentModeInText(receipt.mode)})</Text>
          <Text fw={700} data-testid="receipt-total">
            {money.format(receipt.amount)}
          </Text>
        </Group>
        {receipt.change !== null && <Text>Change returned: {money.format(receipt.change)}</Text>}
        {receipt.status === 'valid' ? (
          <Group justify="space-between" align="flex-start">
            <Text>
              Balance after this payment
              {receipt.finesInBalance ? (
                <Text span size="sm" c="dimmed" display="block">
                  including late fines to date: {money.format(receipt.finesInBalance)}
                </Text>
              ) : null}
            </Text>
            <Text fw={700} data-testid="receipt-balance">
              {money.format(receipt.balanceAfter)}
            </Text>
          </Group>
        ) : (
          <Text fw={700}>This receipt was {receipt.status}: its amount no longer counts towards the fees.</Text>
        )}
        {receipt.event && (
          <Alert color="red">
            {receipt.event.kind} on {dates.dateTime(receipt.event.at)}: {receipt.event.reason}
          </Alert>
        )}
        {note && <Text role="status">{note}</Text>}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={() => void run('pdf')}>
            Save PDF
          </Button>
          <Button variant="default" onClick={() => void run('printer')} disabled={printing} title="Print to the desk printer (Ctrl+P)">
            Print (Ctrl+P)
          </Button>
          <Button ref={next} onClick={onNext} data-autofocus autoFocus>
            Next collection (Enter)
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
