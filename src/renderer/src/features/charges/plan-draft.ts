// A charge plan as it is being typed (amounts as text, dates as ISO), turned into what charges.createPlan takes, or the
// fields at fault under the names main uses for them, so main's own refusals land on the same fields.
import type { InputOf } from '../../../../shared/contract';
import type { CHARGE_KINDS } from '../../../../shared/contract/charges';
import { planInstallments } from '../../../../shared/domain/installments';
import type { MoneyFormat } from '../../components/money';

export type ChargeKind = (typeof CHARGE_KINDS)[number];

export const KIND_LABELS: Record<ChargeKind, string> = {
  transport: 'Transport (routes and stops)',
  hostel: 'Hostel',
  activity: 'Activity',
  other: 'Other',
};

export interface InstallmentDraft {
  label: string;
  dueOn: string;
}

/** One fare for every installment, or a fare typed for each. */
export interface FaresDraft {
  same: boolean;
  one: string;
  each: string[];
}

export interface StopDraft {
  key: number;
  route: string;
  name: string;
  fares: FaresDraft;
}

export interface PlanDraft {
  kind: ChargeKind;
  headId: string;
  name: string;
  installments: InstallmentDraft[];
  stops: StopDraft[];
  fares: FaresDraft;
}

export const NO_FARES: FaresDraft = { same: true, one: '', each: [] };

let stopKeys = 0;
export const newStop = (route = ''): StopDraft => ({ key: ++stopKeys, route, name: '', fares: NO_FARES });

export const emptyDraft = (headId: string): PlanDraft => ({
  kind: 'transport',
  headId,
  name: '',
  installments: [],
  stops: [newStop()],
  fares: NO_FARES,
});

/** Twelve months from the year's first month, each due on the 5th, labelled by its month ("Apr", "May" …). */
export function monthlyOnThe5th(yearStartsOn: string): InstallmentDraft[] {
  return planInstallments('monthly', `${yearStartsOn.slice(0, 8)}05`).map((i) => ({ label: i.label.split(' ')[0]!, dueOn: i.dueOn }));
}

/** The fare for each installment, or why they are not amounts. */
function faresOf(draft: FaresDraft, installments: InstallmentDraft[], money: MoneyFormat): number[] | string {
  if (draft.same) {
    const fare = draft.one.trim() ? money.parse(draft.one) : null;
    return fare === null ? 'Enter the fare as an amount, like 1,200' : installments.map(() => fare);
  }
  const fares = installments.map((_, i) => (draft.each[i]?.trim() ? money.parse(draft.each[i]!) : null));
  const bad = fares.findIndex((f) => f === null);
  if (bad >= 0) return `Enter the fare for ${installments[bad]!.label || `installment ${bad + 1}`} as an amount, like 1,200`;
  return fares as number[];
}

export type PlanInput = InputOf<'charges.createPlan'>;

export function planInput(draft: PlanDraft, yearId: string, money: MoneyFormat): { input: PlanInput } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const { installments } = draft;
  if (installments.length === 0) errors['installments'] = 'Add the installments: a label and a due date for each';
  installments.forEach((inst, i) => {
    if (!inst.dueOn) errors[`installments.${i}.dueOn`] = 'Enter the due date';
  });
  const base = { yearId, headId: draft.headId, name: draft.name, kind: draft.kind, installments };
  if (draft.kind === 'transport') {
    const stops = draft.stops.map((s, i) => {
      const fares = faresOf(s.fares, installments, money);
      if (typeof fares === 'string') errors[`stops.${i}.fares`] = fares;
      return { route: s.route, name: s.name, fares: typeof fares === 'string' ? [] : fares };
    });
    return Object.keys(errors).length > 0 ? { errors } : { input: { ...base, stops } };
  }
  const fares = faresOf(draft.fares, installments, money);
  if (typeof fares === 'string') errors['fares'] = fares;
  return Object.keys(errors).length > 0 || typeof fares === 'string' ? { errors } : { input: { ...base, fares } };
}

/** Main's field for a refusal, as this form names its fields: a fare's own index folds into its stop's (or the plan's) fares. */
export function formField(field: string): string {
  const stopFare = /^stops\.(\d+)\.fares(\.\d+)?$/.exec(field);
  if (stopFare) return `stops.${stopFare[1]}.fares`;
  if (/^fares\.\d+$/.test(field)) return 'fares';
  return field;
}
