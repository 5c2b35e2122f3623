// A report on screen: its title, summary and table. A table wider than the screen scrolls sideways inside its box
// with the row's identity (admission no., student) pinned at the left and what is owed (Balance) at the right, so
// a 1280-px screen never hides who a row is or what they owe, whatever fonts and amounts widen it.
import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { type CSSProperties, useLayoutEffect, useRef, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { ReportColumn, ReportTable as Report } from '../../../../shared/contract/reports';
import { moneyFor } from '../../components/money';
import { useDates } from '../../components/school';
import './report-table.css';

/** Columns that say who a row is: pinned at the left when the report starts with them. */
const IDENTITY = new Set(['admissionNo', 'student', 'receiptNo']);
/** What is owed: pinned at the right edge while the columns before it scroll under. */
const OWED = new Set(['balance']);

type Pin = { side: 'left'; index: number; last: boolean } | { side: 'right' } | null;

/** Where each column is pinned: the leading run of identity columns at the left, the balance at the right. */
export function pinsOf(columns: readonly ReportColumn[]): Pin[] {
  let leading = 0;
  while (leading < columns.length && IDENTITY.has(columns[leading]!.key)) leading += 1;
  return columns.map((c, i) =>
    i < leading ? { side: 'left', index: i, last: i === leading - 1 } : OWED.has(c.key) ? { side: 'right' } : null,
  );
}

/** The left offset of each pinned-left column: the widths of those before it, measured as drawn (fonts load late). */
function usePinnedOffsets(table: React.RefObject<HTMLTableElement | null>, count: number): number[] {
  const [offsets, setOffsets] = useState<number[]>([]);
  useLayoutEffect(() => {
    const element = table.current;
    if (!element || count === 0) return;
    const measure = () => {
      const heads = [...element.querySelectorAll<HTMLElement>('thead th')].slice(0, count);
      const next = heads.map((_, i) => heads.slice(0, i).reduce((a, h) => a + h.getBoundingClientRect().width, 0));
      setOffsets((old) => (old.length === next.length && old.every((o, i) => Math.abs(o - next[i]!) < 0.5) ? old : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [table, count]);
  return offsets;
}

export function ReportTable({
  table,
  session,
  onClear,
}: {
  table: Report;
  session: SessionInfo;
  onClear: ((paymentId: string) => void) | null;
}) {
  const money = moneyFor(session.school);
  const dates = useDates();
  const ref = useRef<HTMLTableElement>(null);
  const pins = pinsOf(table.columns);
  const offsets = usePinnedOffsets(ref, pins.filter((p) => p?.side === 'left').length);
  const cell = (type: string, v: unknown) =>
    v === null || v === undefined
      ? ''
      : type === 'money'
        ? money.format(v as number)
        : type === 'date' && typeof v === 'string'
          ? dates.date(v)
          : String(v);
  const right = (type: string) => (type === 'money' || type === 'count' ? 'right' : undefined);
  const pinProps = (i: number): { 'data-pin'?: string; 'data-pin-edge'?: boolean; style?: CSSProperties } => {
    const pin = pins[i];
    if (!pin) return {};
    if (pin.side === 'right') return { 'data-pin': 'right', style: { right: 0 } };
    return { 'data-pin': 'left', 'data-pin-edge': pin.last || undefined, style: { left: offsets[pin.index] ?? 0 } };
  };
  const kind = (c: ReportColumn) => (c.type === 'money' || c.type === 'count' || c.type === 'date' ? c.type : undefined);
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <div>
          <Title order={3}>{table.title}</Title>
          <Text c="dimmed" size="sm">
            {table.subtitle}
          </Text>
        </div>
        {table.summary.length > 0 && (
          <Group gap="xs">
            {table.summary.map((s) => (
              <Badge key={s.label} variant="light" size="lg">
                {s.label}: {money.format(s.amount)}
              </Badge>
            ))}
          </Group>
        )}
        {table.truncated && (
          <Alert color="yellow.9">
            Showing the first {table.rows.length.toLocaleString()} of {table.rowCount.toLocaleString()} rows; the totals cover all of them.
            Export for every row.
          </Alert>
        )}
        {/* A long or wide report scrolls inside its box (natively: pinned cells stick to its very edges); the box takes
            focus and has a name, so arrow keys scroll it without a mouse (axe scrollable-region-focusable). */}
        <div className="report-scroll" role="region" tabIndex={0} aria-label={`${table.title} (scrolls)`}>
          <Table
            ref={ref}
            className="report-table"
            striped
            highlightOnHover
            stickyHeader
            tabularNums
            aria-label={table.title}
            verticalSpacing={4}
            horizontalSpacing={8}
          >
            <Table.Thead>
              <Table.Tr>
                {table.columns.map((c, i) => (
                  <Table.Th key={c.key} ta={right(c.type)} data-kind={kind(c)} {...pinProps(i)}>
                    {c.label}
                  </Table.Th>
                ))}
                {onClear && <Table.Th>Action</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((r, row) => (
                <Table.Tr key={row}>
                  {table.columns.map((c, i) => (
                    <Table.Td key={c.key} ta={right(c.type)} data-kind={kind(c)} data-key={c.key} {...pinProps(i)}>
                      {cell(c.type, r[c.key])}
                    </Table.Td>
                  ))}
                  {onClear && (
                    <Table.Td>
                      <Button size="compact-xs" variant="default" onClick={() => onClear(String(r['paymentId']))}>
                        Mark cleared
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
              {table.rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={table.columns.length}>Nothing to show for these filters.</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                {table.columns.map((c, i) => (
                  <Table.Th key={c.key} ta={right(c.type)} data-kind={kind(c)} {...pinProps(i)}>
                    {c.key in table.totals
                      ? cell(c.type, table.totals[c.key])
                      : i === 0
                        ? `Total (${table.rowCount.toLocaleString()} rows)`
                        : ''}
                  </Table.Th>
                ))}
                {onClear && <Table.Th />}
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </div>
        {table.footnote && (
          <Text size="xs" c="dimmed">
            {table.footnote}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
