// Charges by student on the server: the dues they make are capped like any dues a desk writes (so two desks paying
// them offline turn the excess into credit), for students the server knows; a stop's waivers lower those caps.
import type { MutationArgs as Args } from '../shared/sync/protocol';
import { applied, type BatchState, type Outcome, rejected } from './batch-state';

/** Dues a desk made (opening balances, a plan's charges, a one-off charge): each student known, each due capped. */
export function takeDues(state: BatchState, dues: Args<'dues.opening'>['dues'], what: string): Outcome {
  const unknown = dues.find((d) => !state.students.has(d.student_id));
  if (unknown) return rejected(`${what} for a student the server does not know (${unknown.student_id})`);
  for (const d of dues) state.dueCaps.set(d.id, { student_id: d.student_id, net: d.amount });
  return applied;
}

export function stopCharge(state: BatchState, a: Args<'charges.stop'>): Outcome {
  for (const w of a.waivers) state.capCuts.set(w.due_id, (state.capCuts.get(w.due_id) ?? 0) + w.amount);
  return applied;
}
