// Every list in FeeDesk: a labelled table from column definitions, with an optional empty message, its rows optionally
// in labelled groups (one row group each, its label a header over the group).
import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'right';
  width?: number;
}

interface Props<T> {
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string | number;
  empty?: string;
  striped?: boolean;
  bordered?: boolean;
  /** A label for each row's group; consecutive rows of one label share a row group. Null: no heading over the row. */
  groupOf?: (row: T) => string | null;
}

interface RowGroup<T> {
  label: string | null;
  rows: { row: T; index: number }[];
}

/** Consecutive rows with the same label, in order. */
function rowGroups<T>(rows: readonly T[], groupOf: ((row: T) => string | null) | undefined): RowGroup<T>[] {
  const groups: RowGroup<T>[] = [];
  rows.forEach((row, index) => {
    const label = groupOf ? groupOf(row) : null;
    const last = groups.at(-1);
    if (last && last.label === label) last.rows.push({ row, index });
    else groups.push({ label, rows: [{ row, index }] });
  });
  return groups;
}

export function DataTable<T>({ label, rows, columns, rowKey, empty, striped = true, bordered = false, groupOf }: Props<T>) {
  return (
    <Table striped={striped} withTableBorder={bordered} highlightOnHover aria-label={label} verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c, i) => (
            <Table.Th key={i} ta={c.align} w={c.width}>
              {c.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      {rowGroups(rows, groupOf).map((group, g) => (
        <Table.Tbody key={`${g}:${group.label ?? ''}`}>
          {group.label !== null && (
            <Table.Tr>
              <Table.Th scope="rowgroup" colSpan={columns.length}>
                {group.label}
              </Table.Th>
            </Table.Tr>
          )}
          {group.rows.map(({ row, index }) => (
            <Table.Tr key={rowKey(row, index)}>
              {columns.map((c, i) => (
                <Table.Td key={i} ta={c.align}>
                  {c.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      ))}
      {rows.length === 0 && empty && (
        <Table.Tbody>
          <Table.Tr>
            <Table.Td colSpan={columns.length}>
              <Text>{empty}</Text>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      )}
    </Table>
  );
}
