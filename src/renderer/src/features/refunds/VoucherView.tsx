// The refund voucher just written, as it will print, with Print and Save PDF (each a counted copy: later ones DUPLICATE).
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { PAYMENT_MODE_LABELS } from '../../../../shared/contract/payments';
import { REFUND_KIND_LABELS, type RefundVoucher } from '../../../../shared/contract/refunds';
import { amountInWords } from '../../../../shared/domain/amount-in-words';
import { api, request } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { downloadPdf } from '../../components/download';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

type Line = RefundVoucher['lines'][number];
const lineText = (l: Line) => [l.installment, l.head].filter((part, i, all) => all.indexOf(part) === i).join(' · ');

function Lines({ label, lines, money }: { label: string; lines: Line[]; money: MoneyFormat }) {
  return (
    <DataTable
      label={label}
      bordered
      rows={lines}
      rowKey={(_, i) => i}
      columns={[
        { header: 'Year', cell: (l) => l.year },
        { header: label, cell: lineText },
        { header: 'Amount', align: 'right', cell: (l) => money.format(l.amount) },
      ]}
    />
  );
}

export function VoucherView({ voucher: v, money, onDone }: { voucher: RefundVoucher; money: MoneyFormat; onDone: () => void }) {
  const dates = useDates();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [printing, setPrinting] = useState(false);
  const print = async (target: 'pdf' | 'printer') => {
    setPrinting(true);
    try {
      const { fileName, base64, copyNo } = await request(api().refunds.print({ refundId: v.id, target }));
      if (target === 'pdf') downloadPdf(fileName, base64);
      const what = target === 'pdf' ? `Saved ${fileName}` : 'Sent to the printer';
      setNote({ ok: true, text: copyNo === 1 ? `${what}.` : `${what}: copy ${copyNo}, marked DUPLICATE.` });
    } catch (err) {
      setNote({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setPrinting(false);
    }
  };
  const reference = v.reference.replaceAll(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => dates.date(iso));
  return (
    <Stack gap="sm" aria-label="Refund voucher" role="region">
      <Title order={3}>
        Refund voucher {v.voucherNo} · {REFUND_KIND_LABELS[v.kind]}
      </Title>
      <Text>
        {dates.date(v.businessDate)} · {v.student.fullName} ({v.student.admissionNo}, {v.student.className}) · Guardian{' '}
        {v.student.guardianName}
      </Text>
      <Lines
        label={v.kind === 'deposit' ? 'Deposit refunded' : v.kind === 'credit' ? 'Advance credit refunded' : 'Fees refunded'}
        lines={v.lines}
        money={money}
      />
      {v.setOff.length > 0 && <Lines label="Set off against dues" lines={v.setOff} money={money} />}
      <Text fw={700} fz="lg">
        Paid out: {money.format(v.amount)}
        {v.setOffTotal > 0 && ` · set off ${money.format(v.setOffTotal)}`}
      </Text>
      <Text size="sm">{amountInWords(v.amount, v.school.currency, v.school.locale)}</Text>
      <Text>
        {PAYMENT_MODE_LABELS[v.mode]}
        {reference ? ` (${reference})` : ''} · Reason: {v.reason} · Requested by {v.by} · Approved by {v.approvedBy}
      </Text>
      {v.depositLeft !== null && <Text>Deposit still held: {money.format(v.depositLeft)}</Text>}
      {note && (note.ok ? <Text c="teal.9">{note.text}</Text> : <Alert color="red">{note.text}</Alert>)}
      <Group justify="flex-end">
        <Button variant="default" loading={printing} onClick={() => void print('printer')}>
          Print
        </Button>
        <Button variant="default" loading={printing} onClick={() => void print('pdf')}>
          Save PDF
        </Button>
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
