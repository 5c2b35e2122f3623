// What a rollover does, on one screen: the totals, each class's move, the exceptions, each structure's old and new
// total, and what the admin should know. The same view shows the review before and the result after.
import { Alert, Badge, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RolloverReview as Review } from '../../../../shared/contract/years';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

const OUTCOMES = { detained: 'Detained', left: 'Leaves the school', section: 'Another section' } as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A small table of labelled figures: each row reads "Promoted 2" to a screen reader. */
function Figures({ label, rows }: { label: string; rows: [string, ReactNode][] }) {
  return (
    <Paper withBorder p="xs">
      <Table aria-label={label} verticalSpacing={2}>
        <Table.Caption style={{ captionSide: 'top', textAlign: 'left', fontWeight: 600 }}>{label}</Table.Caption>
        <Table.Tbody>
          {rows.map(([name, value]) => (
            <Table.Tr key={name}>
              <Table.Th scope="row" fw={400}>
                {name}
              </Table.Th>
              <Table.Td ta="right" fw={700}>
                {value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

export function RolloverReview({ review, money, heading }: { review: Review; money: MoneyFormat; heading: ReactNode }) {
  const dates = useDates();
  const { totals, toYear, fromYear } = review;
  return (
    <Stack gap="sm">
      {heading}
      <Text>
        {`${toYear.name} ${toYear.exists ? 'exists already and' : 'is a new year that'} runs from ${dates.date(toYear.startsOn)} to ${dates.date(toYear.endsOn)}. `}
        {`${fromYear.name}’s receipts and payments stay as they are; its unpaid dues stay in ${fromYear.name} and are still collected, first, as arrears.`}
      </Text>
      {review.warnings.length > 0 && (
        <Alert color="blue.9" title="Before you roll over">
          <List size="sm">
            {review.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <SimpleGrid cols={2}>
        <Figures
          label="Students"
          rows={[
            ['Promoted', totals.promoted],
            ['Detained', totals.detained],
            ['Leave the school', totals.left],
            ['Graduate (alumni)', totals.graduated],
          ]}
        />
        <Figures
          label="Fees"
          rows={[
            [`${toYear.name}’s fees, before concessions`, money.format(totals.newFees)],
            [`Arrears of ${fromYear.name} carried`, money.format(totals.arrears)],
            ['Students with arrears', totals.studentsWithArrears],
            ['Concessions carried', totals.concessionsCarried],
          ]}
        />
      </SimpleGrid>
      <Title order={4}>Classes</Title>
      <Paper withBorder>
        <DataTable
          label="Classes"
          rows={review.classes}
          rowKey={(c) => c.fromClassId}
          columns={[
            { header: 'Class now', cell: (c) => c.fromClass },
            { header: 'Goes to', cell: (c) => c.toClass ?? 'Graduates (alumni)' },
            { header: 'Students', align: 'right', cell: (c) => c.students },
            { header: 'Promoted', align: 'right', cell: (c) => c.promoted },
            {
              header: 'Sections',
              cell: (c) =>
                c.sections.length === 0
                  ? '—'
                  : c.sections.map((s) => (
                      <Text key={`${s.from}-${s.to}`} size="sm">
                        {s.from} → {s.to ?? 'no section'} ({plural(s.students, 'student')}){' '}
                        {s.added && (
                          <Badge size="xs" color="indigo.9">
                            added
                          </Badge>
                        )}
                      </Text>
                    )),
            },
          ]}
        />
      </Paper>
      <Title order={4}>Exceptions</Title>
      <Paper withBorder>
        <DataTable
          label="Exceptions in the review"
          rows={review.exceptions}
          rowKey={(e) => e.studentId}
          empty="None: every student follows their class."
          columns={[
            { header: 'Student', cell: (e) => `${e.name} (${e.admissionNo})` },
            { header: 'Class now', cell: (e) => `${e.fromClass}${e.fromSection ? `-${e.fromSection}` : ''}` },
            { header: 'Outcome', cell: (e) => OUTCOMES[e.outcome] },
            { header: 'Next year', cell: (e) => (e.toClass ? `${e.toClass}${e.toSection ? `-${e.toSection}` : ''}` : '—') },
            { header: 'Reason', cell: (e) => e.reason ?? '' },
          ]}
        />
      </Paper>
      <Title order={4}>Fee structures</Title>
      <Paper withBorder>
        <DataTable
          label="Fee structures in the new year"
          rows={review.structures}
          rowKey={(s, i) => `${s.name}-${i}`}
          empty={`${fromYear.name} has no fee structures to copy.`}
          columns={[
            { header: 'Structure', cell: (s) => s.name },
            { header: 'Class', cell: (s) => `${s.className}${s.categoryName ? ` · ${s.categoryName}` : ''}` },
            { header: `Total in ${fromYear.name}`, align: 'right', cell: (s) => money.format(s.oldTotal) },
            { header: `Total in ${toYear.name}`, align: 'right', cell: (s) => money.format(s.newTotal) },
            { header: 'First due', cell: (s) => (s.firstDueOn ? dates.date(s.firstDueOn) : '—') },
            { header: 'Copied', cell: (s) => (s.kept ? `${toYear.name}’s own, kept` : 'Copied') },
          ]}
        />
      </Paper>
    </Stack>
  );
}
