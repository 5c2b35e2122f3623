// The statement's lines as the books see them: each line's status and why, what confirming it does, a tick to confirm
// it, a student to give it to by hand, and a returned cheque's Bounce. Filtered by status with the counts as chips.
import { Badge, Button, Checkbox, Chip, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { LINE_STATUSES, type LineStatus, type ReconcileLine, type ReconcilePreview } from '../../../../shared/contract/reconcile';
import type { StudentSummary } from '../../../../shared/contract/students';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { StudentSearch } from '../payments/StudentSearch';
import { assignable, type Choice, type Choices, tickable } from './choices';

export const STATUS_LABELS: Record<LineStatus, string> = {
  matched: 'Matched',
  probable: 'Probable',
  unmatched: 'Unmatched',
  in_books: 'In the books',
  not_fee: 'Not a fee',
  problem: 'Problems',
};
/** Filled in shades dark enough for white text (axe color-contrast), on any row stripe. */
const STATUS_COLORS: Record<LineStatus, string> = {
  matched: 'teal.9',
  probable: 'blue.9',
  unmatched: 'violet.9',
  in_books: 'gray.8',
  not_fee: 'gray.7',
  problem: 'red.9',
};

interface Props {
  preview: ReconcilePreview;
  choices: Choices;
  money: MoneyFormat;
  /** The row a refused confirmation named. */
  refusedRow: number | null;
  onChoice: (row: number, choice: Choice) => void;
  onBounce: (receipt: { paymentId: string; receiptNo: string }) => void;
}

export function StatementLines({ preview, choices, money, refusedRow, onChoice, onBounce }: Props) {
  const [shown, setShown] = useState<'all' | LineStatus>('all');
  const [assigning, setAssigning] = useState<ReconcileLine | null>(null);
  const dates = useDates();
  const lines = shown === 'all' ? preview.lines : preview.lines.filter((l) => l.status === shown);
  return (
    <Stack gap="sm">
      <Chip.Group value={shown} onChange={(v) => setShown(v as typeof shown)}>
        <Group gap="xs" role="radiogroup" aria-label="Show lines">
          <Chip value="all" variant="outline" name="statement-lines-shown">
            All {preview.lines.length}
          </Chip>
          {LINE_STATUSES.map((s) => (
            <Chip key={s} value={s} variant="outline" name="statement-lines-shown">
              {STATUS_LABELS[s]} {preview.counts[s]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <Table aria-label="Statement lines" verticalSpacing={4} striped highlightOnHover fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={64}>Confirm</Table.Th>
            <Table.Th w={44}>Row</Table.Th>
            <Table.Th w={100}>Date</Table.Th>
            <Table.Th>Narration and reference</Table.Th>
            <Table.Th w={100} ta="right">
              Amount
            </Table.Th>
            <Table.Th>Status and why</Table.Th>
            <Table.Th w={180}>Confirming does</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => {
            const choice = choices.get(line.row);
            return (
              <Table.Tr key={line.row} bg={line.row === refusedRow ? 'red.1' : undefined}>
                <Table.Td>
                  {tickable(line, choice) ? (
                    <Checkbox
                      aria-label={`Confirm row ${line.row}`}
                      checked={choice?.ticked ?? false}
                      onChange={(e) => onChoice(line.row, { student: choice?.student ?? null, ticked: e.currentTarget.checked })}
                    />
                  ) : null}
                </Table.Td>
                <Table.Td>{line.row}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{line.date ? dates.date(line.date) : '—'}</Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  {line.narration}
                  {line.reference && (
                    <Text size="xs" c="dimmed">
                      Ref. {line.reference}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {line.credit > 0 ? money.format(line.credit) : line.debit > 0 ? money.format(-line.debit) : ''}
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[line.status]} tt="none" size="md">
                    {line.status === 'problem' ? 'Problem' : STATUS_LABELS[line.status]}
                  </Badge>
                  <Text size="sm">{line.why}</Text>
                </Table.Td>
                <Table.Td>
                  <WhatConfirmingDoes
                    line={line}
                    student={choice?.student ?? null}
                    onAssign={() => setAssigning(line)}
                    onBounce={onBounce}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
          {lines.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text>{shown === 'all' ? 'The statement has no lines.' : `No lines here are “${STATUS_LABELS[shown]}”.`}</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {assigning && (
        <AssignModal
          line={assigning}
          money={money}
          onClose={() => setAssigning(null)}
          onPick={(student) => {
            onChoice(assigning.row, { ticked: true, student });
            setAssigning(null);
          }}
        />
      )}
    </Stack>
  );
}

function WhatConfirmingDoes({
  line,
  student,
  onAssign,
  onBounce,
}: {
  line: ReconcileLine;
  student: StudentSummary | null;
  onAssign: () => void;
  onBounce: Props['onBounce'];
}) {
  const { action } = line;
  if (action?.kind === 'bounce')
    return (
      <Button size="xs" variant="default" color="red" onClick={() => onBounce(action)}>
        Bounce receipt {action.receiptNo}…
      </Button>
    );
  if (action?.kind === 'confirm') return <Text size="sm">Bank confirms receipt {action.receiptNo}</Text>;
  if (action?.kind === 'clear') return <Text size="sm">Cheque of receipt {action.receiptNo} clears</Text>;
  if (!assignable(line)) return null;
  const payer = student
    ? `${student.fullName} (${student.admissionNo}), chosen by hand`
    : action?.kind === 'record'
      ? `${action.studentName} (${action.admissionNo})`
      : null;
  return (
    <Stack gap={4} align="flex-start">
      {payer && <Text size="sm">New receipt for {payer}</Text>}
      <Button size="xs" variant="default" onClick={onAssign}>
        {payer ? 'Re-assign…' : 'Assign student…'}
      </Button>
    </Stack>
  );
}

/** Whose money a line is, chosen with the collect screen's student search. */
function AssignModal({
  line,
  money,
  onClose,
  onPick,
}: {
  line: ReconcileLine;
  money: MoneyFormat;
  onClose: () => void;
  onPick: (student: StudentSummary) => void;
}) {
  return (
    <Modal opened onClose={onClose} title={`Row ${line.row}: whose ${money.format(line.credit)} is it?`} size="lg">
      <Stack>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          {line.narration}
        </Text>
        <StudentSearch onPick={onPick} />
      </Stack>
    </Modal>
  );
}
