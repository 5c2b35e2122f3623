// Another bank's statement: which of its columns is the date, the narration and the money. Asked once per account:
// the columns that read a statement are remembered for it.
import { Badge, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { STATEMENT_FIELDS, type StatementField, type StatementMappingInput } from '../../../../shared/contract/reconcile';

export type ColumnsDraft = StatementMappingInput;
export const NO_COLUMNS: ColumnsDraft = { bank: '', columns: {} };

const FIELDS: Record<StatementField, { label: string; required?: true; description: string }> = {
  date: { label: 'Date', required: true, description: 'The transaction date' },
  narration: { label: 'Narration', required: true, description: 'Description, particulars or remarks' },
  reference: { label: 'Reference', description: 'Cheque or reference number, if a column of its own' },
  valueDate: { label: 'Value date', description: 'Optional' },
  debit: { label: 'Withdrawals', description: 'Money out (debit), with Deposits' },
  credit: { label: 'Deposits', description: 'Money in (credit), with Withdrawals' },
  amount: { label: 'Amount', description: 'One amount column instead of Withdrawals and Deposits' },
  drCr: { label: 'Dr / Cr', description: 'Says whether the amount is a debit or a credit' },
  balance: { label: 'Balance', description: 'Optional' },
};

/** The columns with `field` fed by `header`, or by no column (the key gone: a mapping names only columns). */
function withColumn(columns: ColumnsDraft['columns'], field: StatementField, header: string | null): ColumnsDraft['columns'] {
  const { [field]: _dropped, ...rest } = columns;
  return header ? { ...rest, [field]: header } : rest;
}

/** What stops these columns reading a statement, in the accountant's words; null when nothing does. */
export function columnsProblem({ bank, columns: c }: ColumnsDraft): string | null {
  if (bank.trim().length < 2) return 'Type the bank’s name.';
  if (!c.date || !c.narration) return 'Choose the date and narration columns.';
  if (!c.amount && !(c.debit && c.credit)) return 'Choose the withdrawals and deposits columns, or one amount column.';
  return null;
}

export function StatementColumns({
  headers,
  value,
  onChange,
}: {
  headers: readonly string[];
  value: ColumnsDraft;
  onChange: (value: ColumnsDraft) => void;
}) {
  const choices = headers.filter(Boolean).map((h) => ({ value: h, label: h }));
  const problem = columnsProblem(value);
  return (
    <Stack gap="xs">
      <Title order={3}>The statement’s columns</Title>
      <Text size="sm">FeeDesk does not know this bank’s statements: say which column is which. They are remembered for the account.</Text>
      <TextInput
        label="Bank’s name"
        placeholder="e.g. Canara Bank"
        value={value.bank}
        onChange={(e) => onChange({ ...value, bank: e.currentTarget.value })}
        w={300}
      />
      <Table aria-label="Statement columns" verticalSpacing={2}>
        <Table.Tbody>
          {STATEMENT_FIELDS.map((f) => (
            <Table.Tr key={f}>
              <Table.Td w={160}>
                {FIELDS[f].label} {FIELDS[f].required && <Badge size="xs">required</Badge>}
              </Table.Td>
              <Table.Td w={280}>
                <Select
                  aria-label={`Column for ${FIELDS[f].label}`}
                  data={choices}
                  value={value.columns[f] ?? null}
                  onChange={(v) => onChange({ ...value, columns: withColumn(value.columns, f, v) })}
                  placeholder="— no column —"
                  clearable
                  size="xs"
                />
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {FIELDS[f].description}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {problem && (
        <Text size="sm" c="orange.9" role="status">
          {problem}
        </Text>
      )}
    </Stack>
  );
}
