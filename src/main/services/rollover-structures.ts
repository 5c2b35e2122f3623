// The year-end rollover's fee structures: each of the closing year's copied into the new year, its heads raised or
// lowered and rounded, its due dates a year on — or the new year's own structure kept. A refundable deposit is taken
// once, at admission, and is not copied.
import { AppError } from '../../shared/contract/errors';
import type { RolloverInput } from '../../shared/contract/years';
import { aYearOn, renamedForYear, scaledAmount } from '../../shared/domain/rollover';
import type { MutationArgsInput } from '../../shared/sync/protocol';
import type { Store, Tx } from '../db/schema';
import type { ServiceDeps } from './context';
import { readStructures } from './structures';

type Env = Pick<ServiceDeps, 'clock' | 'ids'>;
type Copies = MutationArgsInput<'years.rollover'>['structures'];

/** The closing year's structures, each copied into the new year with its heads changed (or the new year's own kept). */
export async function structuresOf(
  db: Store | Tx,
  env: Env,
  input: RolloverInput,
  from: { id: string; name: string },
  to: { id: string; name: string; exists: boolean },
) {
  const headRows = await db.selectFrom('fee_head').select(['id', 'name', 'system_code', 'deposit']).execute();
  const heads = new Map(headRows.map((h) => [h.id, h.system_code]));
  // A refundable deposit is taken once, at admission: the new year's structures do not charge it again.
  const deposits = new Map(headRows.filter((h) => h.deposit === 1).map((h) => [h.id, h.name]));
  input.fees.changes.forEach((c, i) => {
    if (!heads.has(c.headId)) throw new AppError('not_found', 'no fee head has this id', `fees.changes.${i}.headId`);
    if (heads.get(c.headId))
      throw new AppError('invalid_input', 'is a fine or charge, not a fee: it has no amount to change', `fees.changes.${i}.headId`);
    if (deposits.has(c.headId))
      throw new AppError(
        'invalid_input',
        'is a refundable deposit: it is taken once and not copied into the new year',
        `fees.changes.${i}.headId`,
      );
  });
  const notCopied = new Set<string>();
  const change = new Map(input.fees.changes.map((c) => [c.headId, c.basisPoints]));
  const old = await readStructures(db, { yearId: from.id });
  const existing = to.exists ? await readStructures(db, { yearId: to.id }) : [];
  const scope = (s: { classId: string; categoryId: string | null }) => `${s.classId}|${s.categoryId ?? ''}`;
  const kept = new Map(existing.map((s) => [scope(s), s]));
  const copies: Copies = [];
  const review: { old: (typeof old)[number]; total: number; kept: boolean; firstDueOn: string; name: string }[] = [];
  for (const s of old) {
    const own = kept.get(scope(s));
    if (own) {
      review.push({ old: s, total: own.total, kept: true, firstDueOn: own.installments[0]?.dueOn ?? '', name: own.name });
      continue;
    }
    const installments = s.installments.map((i) => ({
      id: env.ids.uuid(),
      seq: i.seq,
      label: i.label,
      dueOn: aYearOn(i.dueOn),
      amount: 0,
    }));
    for (const h of s.heads) if (deposits.has(h.headId)) notCopied.add(deposits.get(h.headId)!);
    const newHeads = s.heads
      .filter((h) => !deposits.has(h.headId))
      .map((h) => {
        const bp = change.get(h.headId);
        const shares = bp === undefined ? [...h.shares] : h.shares.map((a) => scaledAmount(a, bp, input.fees.roundTo));
        return { headId: h.headId, name: h.name, amount: shares.reduce((a, b) => a + b, 0), shares };
      });
    installments.forEach((inst, i) => (inst.amount = newHeads.reduce((a, h) => a + (h.shares[i] ?? 0), 0)));
    const copy = {
      id: env.ids.uuid(),
      yearId: to.id,
      yearName: to.name,
      classId: s.classId,
      className: s.className,
      categoryId: s.categoryId,
      name: renamedForYear(s.name, from.name, to.name),
      plan: s.plan,
      assignedAt: null,
      total: newHeads.reduce((a, h) => a + h.amount, 0),
      installments,
      heads: newHeads,
      fineRule: s.fineRule,
    };
    copies.push(copy);
    review.push({ old: s, total: copy.total, kept: false, firstDueOn: installments[0]?.dueOn ?? '', name: copy.name });
  }
  // The new year's own structures (made before the rollover) are assigned by it, like the copies.
  return { copies, review, ownStructures: existing, notCopied: [...notCopied] };
}
