// A refund asked for at the counter: which kind (fees paid, advance credit, a refundable deposit with its set-off), how
// much, how it is paid back, why, and a second person approving. Server errors go next to the field or row they name.
import { Alert, Button, Group, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { REFUND_KIND_LABELS, type Refundable, type RefundKind, type RefundVoucher } from '../../../../shared/contract/refunds';
import { api, ApiError, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { ApproverInputs } from '../../components/ApprovalModal';
import type { MoneyFormat } from '../../components/money';
import { buildRequest, defaultAmount, firstDraft, kindsOf, type RefundDraft, setOffTotal } from './refund-draft';
import { RefundMethodInputs } from './RefundMethodInputs';
import { TickedDues } from './TickedDues';

interface Props {
  view: Refundable;
  money: MoneyFormat;
  onSaved: (voucher: RefundVoucher) => void;
}

export function RefundForm({ view, money, onSaved }: Props) {
  const kinds = kindsOf(view);
  const [draft, setDraft] = useState<RefundDraft>(() => firstDraft(view, money, kinds[0]!));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const change = (patch: Partial<RefundDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const amountText = draft.amount ?? money.format(defaultAmount(draft, view, money));
  const paidBack = money.parse(amountText) ?? 0;
  const left = view.depositHeld - paidBack - setOffTotal(draft, money);
  const kindLabel = (k: RefundKind) =>
    k === 'credit'
      ? `${REFUND_KIND_LABELS[k]} (${money.format(view.credit)} held)`
      : k === 'deposit'
        ? `${REFUND_KIND_LABELS[k]} (${money.format(view.depositHeld)} held)`
        : REFUND_KIND_LABELS[k];

  const save = async () => {
    const built = buildRequest(draft, view, money);
    if (!built.ok) return setErrors(built.errors);
    setErrors({});
    setSaving(true);
    try {
      onSaved(await request(api().refunds.record(built.request)));
    } catch (err) {
      const field = err instanceof ApiError && err.field ? built.fieldOf(err.field) : null;
      const onScreen = field && (field.includes('.') || ['amount', 'reason', 'method'].includes(field));
      setErrors(
        field && onScreen
          ? { [field]: messageForField(err as ApiError) }
          : { general: sentence(err instanceof Error ? err.message : String(err)) },
      );
    } finally {
      setSaving(false);
    }
  };
  // The approver's fields as ApproverInputs reads them from a form.
  const approverForm = {
    getInputProps: (path: string) => {
      const key = path.split('.')[1] as keyof RefundDraft['approver'];
      return {
        value: draft.approver[key],
        onChange: (e: React.ChangeEvent<HTMLInputElement>) => change({ approver: { ...draft.approver, [key]: e.currentTarget.value } }),
        error: errors[path],
      };
    },
  };

  return (
    <form
      aria-label="Refund"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack gap="sm">
        <Radio.Group label="What is paid back" value={draft.kind} onChange={(k) => change({ kind: k as RefundKind, amount: null })}>
          <Group mt={4}>
            {kinds.map((k) => (
              <Radio key={k} value={k} label={kindLabel(k)} />
            ))}
          </Group>
        </Radio.Group>
        {draft.kind === 'fee' && (
          <TickedDues
            label="Fees paid"
            mostHeader="Paid, refundable"
            verb="Refund"
            rows={view.fees.map((f) => ({
              ...f,
              most: f.refundable,
              note: f.uncleared > 0 ? `${money.format(f.uncleared)} more by a cheque not yet cleared` : undefined,
            }))}
            ticks={draft.fees}
            errors={errors}
            prefix="fee"
            money={money}
            onChange={(dueId, tick) => change({ fees: { ...draft.fees, [dueId]: tick } })}
          />
        )}
        {draft.kind === 'deposit' && (
          <>
            <Text>
              Deposits held: {view.deposits.map((d) => `${d.installment} · ${d.head} (${d.year}) ${money.format(d.refundable)}`).join('; ')}
            </Text>
            {view.owed.length > 0 && (
              <TickedDues
                label="Set off against dues still owed"
                mostHeader="Owed"
                verb="Set off"
                rows={view.owed.map((o) => ({ ...o, most: o.balance }))}
                ticks={draft.setOff}
                errors={errors}
                prefix="setOff"
                money={money}
                onChange={(dueId, tick) => change({ setOff: { ...draft.setOff, [dueId]: tick }, amount: null })}
              />
            )}
          </>
        )}
        {draft.kind !== 'fee' && (
          <Group align="flex-end">
            <TextInput
              label={draft.kind === 'deposit' ? 'Amount paid back' : 'Amount to refund'}
              inputMode="decimal"
              value={amountText}
              onChange={(e) => change({ amount: e.currentTarget.value })}
              error={errors['amount']}
            />
            {draft.kind === 'deposit' && (
              <Text pb={6} aria-live="polite">
                Held {money.format(view.depositHeld)} · set off {money.format(setOffTotal(draft, money))} · paid back{' '}
                {money.format(paidBack)} · left held {money.format(left)}
              </Text>
            )}
          </Group>
        )}
        <RefundMethodInputs
          mode={draft.mode}
          refs={draft.refs}
          errors={errors}
          onMode={(mode) => change({ mode })}
          onRefs={(refs) => change({ refs })}
        />
        <TextInput
          label="Reason"
          placeholder="e.g. leaving after Class 5"
          value={draft.reason}
          onChange={(e) => change({ reason: e.currentTarget.value })}
          error={errors['reason']}
        />
        <SimpleGrid cols={2}>
          <ApproverInputs form={approverForm} />
        </SimpleGrid>
        {errors['general'] && (
          <Alert color="red" role="alert">
            {errors['general']}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            Record refund
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
