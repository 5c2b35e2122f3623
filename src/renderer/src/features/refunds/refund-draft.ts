// What the refund dialog holds and the request it makes: the ticked rows become the voucher's lines, amounts are
// parsed, and the server's field paths (`lines.0.amount`) are turned back into the row on screen they name.
import type { InputOf } from '../../../../shared/contract';
import type { Refundable, RefundKind } from '../../../../shared/contract/refunds';
import { approverCredentials, type ApproverFields, NO_APPROVER } from '../../components/ApprovalModal';
import type { MoneyFormat } from '../../components/money';
import { REFERENCES } from '../payments/PaymentForm';

export type RefundRequestInput = InputOf<'refunds.record'>;
export type RefundMode = RefundRequestInput['method']['mode'];

/** One row of a table the cashier ticks: a fee to refund, or a due a deposit is set off against. */
export interface Tick {
  on: boolean;
  amount: string;
}

export interface RefundDraft {
  kind: RefundKind;
  fees: Record<string, Tick>;
  setOff: Record<string, Tick>;
  /** Credit or deposit paid back as typed; null follows the default (all the credit, the deposit less its set-off). */
  amount: string | null;
  mode: RefundMode;
  refs: Record<string, string>;
  reason: string;
  approver: ApproverFields;
}

/** The kinds this student can be refunded now, in the order offered. */
export function kindsOf(view: Refundable): RefundKind[] {
  return [
    ...(view.fees.some((f) => f.refundable > 0) ? (['fee'] as const) : []),
    ...(view.credit > 0 ? (['credit'] as const) : []),
    ...(view.depositHeld > 0 ? (['deposit'] as const) : []),
  ];
}

export function firstDraft(view: Refundable, money: MoneyFormat, kind: RefundKind): RefundDraft {
  return {
    kind,
    fees: Object.fromEntries(view.fees.map((f) => [f.dueId, { on: false, amount: money.format(f.refundable) }])),
    setOff: Object.fromEntries(view.owed.map((o) => [o.dueId, { on: false, amount: money.format(o.balance) }])),
    amount: null,
    mode: 'cash',
    refs: {},
    reason: '',
    approver: NO_APPROVER,
  };
}

const ticked = (rows: Record<string, Tick>) => Object.entries(rows).filter(([, t]) => t.on);

/** The set-off ticked, as far as its amounts read as money. */
export function setOffTotal(draft: RefundDraft, money: MoneyFormat): number {
  return ticked(draft.setOff).reduce((a, [, t]) => a + Math.max(0, money.parse(t.amount) ?? 0), 0);
}

/** What the amount field shows until it is typed in. */
export function defaultAmount(draft: RefundDraft, view: Refundable, money: MoneyFormat): number {
  return draft.kind === 'credit' ? view.credit : Math.max(0, view.depositHeld - setOffTotal(draft, money));
}

type Built =
  { ok: true; request: RefundRequestInput; fieldOf: (serverField: string) => string } | { ok: false; errors: Record<string, string> };

/** The request, or the fields at fault (keyed as on screen: `fee.<dueId>`, `setOff.<dueId>`, `amount`, `method.x`). */
export function buildRequest(draft: RefundDraft, view: Refundable, money: MoneyFormat): Built {
  const errors: Record<string, string> = {};
  const lines = (rows: Record<string, Tick>, prefix: string, min: number) =>
    ticked(rows).map(([dueId, t]) => {
      const amount = money.parse(t.amount);
      if (amount === null || amount < min) errors[`${prefix}.${dueId}`] = 'Enter an amount more than zero';
      return { dueId, amount: amount ?? 0 };
    });
  const typed = draft.amount === null ? defaultAmount(draft, view, money) : money.parse(draft.amount);
  const mode = draft.mode;
  const method = { mode, ...Object.fromEntries(REFERENCES[mode].map(([field]) => [field, (draft.refs[field] ?? '').trim()])) };
  const common = {
    studentId: view.student.id,
    method: method as RefundRequestInput['method'],
    reason: draft.reason,
    approver: approverCredentials(draft.approver),
  };
  let request: RefundRequestInput;
  let sent: { lines: string[]; setOff: string[] } = { lines: [], setOff: [] };
  if (draft.kind === 'fee') {
    const feeLines = lines(draft.fees, 'fee', 1);
    if (feeLines.length === 0) errors['general'] = 'Tick at least one fee to refund';
    request = { kind: 'fee', ...common, lines: feeLines };
    sent = { lines: feeLines.map((l) => l.dueId), setOff: [] };
  } else if (draft.kind === 'credit') {
    if (typed === null || typed <= 0) errors['amount'] = 'Enter an amount more than zero';
    request = { kind: 'credit', ...common, amount: typed ?? 0 };
  } else {
    const setOff = lines(draft.setOff, 'setOff', 1);
    if (typed === null || typed < 0) errors['amount'] = 'Enter the amount paid back (0 when all of it is set off)';
    request = { kind: 'deposit', ...common, amount: typed ?? 0, setOff };
    sent = { lines: [], setOff: setOff.map((l) => l.dueId) };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const fieldOf = (field: string) => {
    const [list, index] = field.split('.');
    if (list === 'lines' && index !== undefined && sent.lines[Number(index)]) return `fee.${sent.lines[Number(index)]}`;
    if (list === 'setOff' && index !== undefined && sent.setOff[Number(index)]) return `setOff.${sent.setOff[Number(index)]}`;
    return field;
  };
  return { ok: true, request, fieldOf };
}
