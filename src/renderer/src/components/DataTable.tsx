// Every list in FeeDesk: a labelled table from column definitions, with an optional empty message.
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
}

export function DataTable<T>({ label, rows, columns, rowKey, empty, striped = true, bordered = false }: Props<T>) {
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
      <Table.Tbody>
        {rows.map((row, index) => (
          <Table.Tr key={rowKey(row, index)}>
            {columns.map((c, i) => (
              <Table.Td key={i} ta={c.align}>
                {c.cell(row)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
        {rows.length === 0 && empty && (
          <Table.Tr>
            <Table.Td colSpan={columns.length}>
              <Text>{empty}</Text>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );
}
