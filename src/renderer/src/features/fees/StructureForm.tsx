// A new fee structure: class, plan from a first due date, a yearly amount per head, how each head splits across the
// installments (evenly, or by hand), and the late fine. The preview is exactly what is saved: the same split, the same
// dates, the same heads — including heads added on this page a moment ago.
import { Alert, Checkbox, Group, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import type { InputOf } from '../../../../shared/contract';
import { planInstallments, splitEvenly } from '../../../../shared/domain/installments';
import { ApiError, api, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { DateField } from '../../components/DateField';
import { FormFooter, type FormNote } from '../../components/FormFooter';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';

type StandardPlan = 'monthly' | 'quarterly' | 'termwise' | 'annual';
type FineKind = 'none' | 'flat' | 'per_day';
type FineRule = InputOf<'structures.create'>['fineRule'];

interface Fine {
  kind: FineKind;
  graceDays: string;
  amount: string;
  cap: string;
}

/** The fine as main takes it, or the field at fault and why. */
function fineRuleOf(fine: Fine, money: MoneyFormat): { rule: FineRule } | { field: string; message: string } {
  if (fine.kind === 'none') return { rule: null };
  const graceDays = Number(fine.graceDays);
  if (!/^\d{1,3}$/.test(fine.graceDays.trim()) || graceDays > 365)
    return { field: 'graceDays', message: 'Enter the days of grace, 0 to 365' };
  const amount = money.parse(fine.amount);
  if (amount === null || amount <= 0) return { field: 'fineAmount', message: 'Enter the fine as an amount' };
  if (fine.kind === 'flat') return { rule: { kind: 'flat', graceDays, amount } };
  const cap = money.parse(fine.cap);
  if (cap === null || cap < amount) return { field: 'cap', message: 'Enter the most the fine can reach (at least one day’s fine)' };
  return { rule: { kind: 'per_day', graceDays, perDay: amount, cap } };
}

export function StructureForm({
  masters,
  yearId,
  money,
  onCreated,
}: {
  masters: Masters;
  yearId: string;
  money: MoneyFormat;
  onCreated: () => void;
}) {
  const dates = useDates();
  const heads = masters.heads.filter((h) => !h.systemCode);
  const [name, setName] = useState('');
  const [classId, setClassId] = useState(masters.classes[0]?.id ?? '');
  const [categoryId, setCategoryId] = useState('');
  const [plan, setPlan] = useState<StandardPlan>('quarterly');
  const [firstDueOn, setFirstDueOn] = useState('');
  // Kept by head id, not by the heads there were when the page opened: a head added since is saved like the others.
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  /** Heads split by hand: the share typed per installment. */
  const [shares, setShares] = useState<Record<string, string[]>>({});
  const [fine, setFine] = useState<Fine>({ kind: 'per_day', graceDays: '10', amount: '', cap: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [note, setNote] = useState<FormNote | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const installments = firstDueOn ? planInstallments(plan, firstDueOn) : [];
  // Heads with an amount typed (null: typed but not an amount).
  const priced = heads
    .map((h) => ({ head: h, amount: amounts[h.id]?.trim() ? money.parse(amounts[h.id]!) : 0 }))
    .filter((x) => x.amount !== 0);
  const splitOf = (headId: string, amount: number): (number | null)[] =>
    shares[headId]
      ? shares[headId]!.map((t) => (t.trim() ? money.parse(t) : 0))
      : installments.length
        ? splitEvenly(amount, installments.length)
        : [];

  const customise = (headId: string, amount: number | null, on: boolean) =>
    setShares((s) => {
      const next = { ...s };
      if (on && amount !== null && installments.length) next[headId] = splitEvenly(amount, installments.length).map((a) => money.format(a));
      else delete next[headId];
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    const lines: { headId: string; amount: number; shares?: number[] }[] = [];
    for (const { head, amount } of priced) {
      if (amount === null) {
        found[`amounts.${head.id}`] = 'Enter an amount';
        continue;
      }
      const custom = shares[head.id];
      if (!custom) {
        lines.push({ headId: head.id, amount });
        continue;
      }
      const split = splitOf(head.id, amount);
      const whole = split.filter((a): a is number => a !== null);
      const total = whole.reduce((a, b) => a + b, 0);
      if (whole.length !== split.length) found[`shares.${head.id}`] = 'Every share must be an amount';
      else if (split.length !== installments.length) found[`shares.${head.id}`] = 'Split it again: the installments have changed';
      else if (total !== amount) found[`shares.${head.id}`] = `The shares add up to ${money.format(total)}, not ${money.format(amount)}`;
      else lines.push({ headId: head.id, amount, shares: whole });
    }
    const rule = fineRuleOf(fine, money);
    if ('field' in rule) found[rule.field] = rule.message;
    if (!firstDueOn) found['firstDueOn'] = 'Enter the first due date';
    setErrors(found);
    if (Object.keys(found).length > 0 || 'field' in rule) return;
    setSubmitting(true);
    try {
      await request(
        api().structures.create({
          yearId,
          classId,
          categoryId: categoryId || null,
          name,
          plan,
          installments,
          heads: lines,
          fineRule: rule.rule,
        }),
      );
      setName('');
      setAmounts({});
      setShares({});
      setFirstDueOn('');
      setNote({ ok: true, text: 'Structure created. Assign it to make dues.' });
      onCreated();
    } catch (err) {
      if (err instanceof ApiError && err.field) {
        const field = err.field === 'installments' ? 'firstDueOn' : err.field.startsWith('heads') ? 'heads' : err.field;
        setErrors({ [field]: messageForField(err) });
        setNote(['name', 'firstDueOn', 'classId'].includes(field) ? null : { ok: false, text: sentence(err.message) });
      } else setNote({ ok: false, text: err instanceof Error ? sentence(err.message) : String(err) });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)} aria-label="New fee structure">
        <Stack>
          <Title order={4}>New fee structure</Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors['name']} />
            <NativeSelect
              label="Class"
              data={masters.classes.map((c) => ({ value: c.id, label: c.name }))}
              value={classId}
              onChange={(e) => setClassId(e.currentTarget.value)}
            />
            <NativeSelect
              label="Category (optional)"
              data={[{ value: '', label: 'All students' }, ...masters.categories.map((c) => ({ value: c.id, label: c.name }))]}
              value={categoryId}
              onChange={(e) => setCategoryId(e.currentTarget.value)}
            />
            <NativeSelect
              label="Plan"
              data={['monthly', 'quarterly', 'termwise', 'annual']}
              value={plan}
              onChange={(e) => (setPlan(e.currentTarget.value as StandardPlan), setShares({}))}
            />
            <DateField
              label="First due date"
              value={firstDueOn}
              onChange={(iso) => (setFirstDueOn(iso), setShares({}))}
              error={errors['firstDueOn']}
            />
          </SimpleGrid>
          <Text fw={600}>Yearly amount per head</Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            {heads.map((h) => (
              <TextInput
                key={h.id}
                label={h.name}
                value={amounts[h.id] ?? ''}
                onChange={(e) => setAmounts({ ...amounts, [h.id]: e.currentTarget.value })}
                error={errors[`amounts.${h.id}`]}
              />
            ))}
          </SimpleGrid>
          <Group align="flex-end">
            <NativeSelect
              label="Late fine"
              data={[
                { value: 'none', label: 'None' },
                { value: 'flat', label: 'A fixed fine after the grace days' },
                { value: 'per_day', label: 'A fine per day after the grace days, up to a limit' },
              ]}
              value={fine.kind}
              onChange={(e) => setFine({ ...fine, kind: e.currentTarget.value as FineKind })}
              w={360}
            />
            {fine.kind !== 'none' && (
              <>
                <TextInput
                  label="Days of grace"
                  value={fine.graceDays}
                  onChange={(e) => setFine({ ...fine, graceDays: e.currentTarget.value })}
                  error={errors['graceDays']}
                  w={120}
                  inputMode="numeric"
                />
                <TextInput
                  label={fine.kind === 'flat' ? 'Fine' : 'Fine per day'}
                  value={fine.amount}
                  onChange={(e) => setFine({ ...fine, amount: e.currentTarget.value })}
                  error={errors['fineAmount']}
                  w={140}
                />
              </>
            )}
            {fine.kind === 'per_day' && (
              <TextInput
                label="At most"
                value={fine.cap}
                onChange={(e) => setFine({ ...fine, cap: e.currentTarget.value })}
                error={errors['cap']}
                w={140}
              />
            )}
          </Group>
          {installments.length > 0 && priced.length > 0 && (
            <Table aria-label="Installments as they will be saved" withTableBorder verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Installment</Table.Th>
                  <Table.Th>Due on</Table.Th>
                  {priced.map(({ head, amount }) => (
                    <Table.Th key={head.id} ta="right">
                      <Stack gap={2} align="flex-end">
                        {head.name}
                        <Checkbox
                          size="xs"
                          label="Split by hand"
                          checked={Boolean(shares[head.id])}
                          onChange={(e) => customise(head.id, amount, e.currentTarget.checked)}
                        />
                      </Stack>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {installments.map((inst, i) => (
                  <Table.Tr key={inst.dueOn}>
                    <Table.Td>{inst.label}</Table.Td>
                    <Table.Td>{dates.date(inst.dueOn)}</Table.Td>
                    {priced.map(({ head, amount }) => (
                      <Table.Td key={head.id} ta="right">
                        {shares[head.id] ? (
                          <TextInput
                            size="xs"
                            aria-label={`${head.name}, ${inst.label}`}
                            value={shares[head.id]![i] ?? ''}
                            onChange={(e) => {
                              const typed = e.currentTarget.value;
                              setShares((s) => ({ ...s, [head.id]: s[head.id]!.map((t, j) => (j === i ? typed : t)) }));
                            }}
                          />
                        ) : amount === null ? (
                          '—'
                        ) : (
                          money.format(splitOf(head.id, amount)[i] ?? 0)
                        )}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {Object.entries(errors)
            .filter(([k]) => k.startsWith('shares.') || k === 'heads')
            .map(([k, message]) => (
              <Alert key={k} color="red.9" role="alert">
                {k === 'heads' ? message : `${heads.find((h) => `shares.${h.id}` === k)?.name ?? 'A head'}: ${message}`}
              </Alert>
            ))}
          <FormFooter note={note} submitting={submitting} label="Create structure" />
        </Stack>
      </form>
    </Paper>
  );
}
