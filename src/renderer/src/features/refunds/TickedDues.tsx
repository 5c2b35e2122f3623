// A table of dues to tick, each with the amount to take (refunded, or set off from a deposit), prefilled with the most it can be.
import { Checkbox, TextInput } from '@mantine/core';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import type { Tick } from './refund-draft';

export interface TickableDue {
  dueId: string;
  year: string;
  installment: string;
  head: string;
  /** The most that can be taken: what was paid (refundable), or what is owed (set-off). */
  most: number;
  note?: string | undefined;
}

interface Props {
  label: string;
  /** What `most` is, as a column header. */
  mostHeader: string;
  /** "Refund" or "Set off": the tick's and the amount's labels start with it. */
  verb: string;
  rows: readonly TickableDue[];
  ticks: Record<string, Tick>;
  errors: Record<string, string>;
  /** The key of a row's error: `${prefix}.${dueId}`. */
  prefix: string;
  money: MoneyFormat;
  onChange: (dueId: string, tick: Tick) => void;
}

export function TickedDues({ label, mostHeader, verb, rows, ticks, errors, prefix, money, onChange }: Props) {
  const name = (d: TickableDue) => `${d.installment} · ${d.head} (${d.year})`;
  return (
    <DataTable
      label={label}
      bordered
      rows={rows}
      rowKey={(d) => d.dueId}
      columns={[
        {
          header: verb,
          width: 84,
          cell: (d) => (
            <Checkbox
              aria-label={`${verb} ${name(d)}`}
              checked={ticks[d.dueId]?.on ?? false}
              onChange={(e) => onChange(d.dueId, { amount: ticks[d.dueId]?.amount ?? '', on: e.currentTarget.checked })}
            />
          ),
        },
        { header: 'Year', cell: (d) => d.year },
        { header: 'Due', cell: (d) => `${d.installment} · ${d.head}` },
        { header: mostHeader, align: 'right', cell: (d) => (d.note ? `${money.format(d.most)} (${d.note})` : money.format(d.most)) },
        {
          header: 'Amount',
          width: 160,
          cell: (d) => (
            <TextInput
              aria-label={`${verb} amount on ${name(d)}`}
              size="xs"
              inputMode="decimal"
              disabled={!ticks[d.dueId]?.on}
              value={ticks[d.dueId]?.amount ?? ''}
              onChange={(e) => onChange(d.dueId, { on: true, amount: e.currentTarget.value })}
              error={errors[`${prefix}.${d.dueId}`]}
            />
          ),
        },
      ]}
    />
  );
}
