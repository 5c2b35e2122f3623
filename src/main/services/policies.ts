// School-wide policies: defaults until an admin changes them.
import type { Policies } from '../../shared/contract/settings';
import { DEFAULT_RECEIPT_FORMAT } from '../../shared/domain/receipt-number';
import type { Store, Tx } from '../db/schema';
import { recordAudit } from './audit';
import type { ServiceDeps } from './context';

export const DEFAULT_POLICIES: Policies = {
  idleLockMinutes: 10,
  receiptFormat: DEFAULT_RECEIPT_FORMAT,
  finesFirst: true,
  bounceCharge: 500_00,
  verifyBaseUrl: 'https://verify.feedesk.invalid/v/',
  receiptLayout: 'a5',
  receiptFooter: '',
};

export async function readPolicies(db: Store | Tx): Promise<Policies> {
  const rows = await db.selectFrom('policy').select(['key', 'value_json']).execute();
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
  return { ...DEFAULT_POLICIES, ...stored } as Policies;
}

export async function updatePolicies(deps: ServiceDeps, actorId: string, changes: Partial<Policies>): Promise<Policies> {
  return deps.store().transaction().execute(async (tx) => {
    const before = await readPolicies(tx);
    for (const [key, value] of Object.entries(changes)) {
      await tx
        .insertInto('policy')
        .values({ key, value_json: JSON.stringify(value) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: JSON.stringify(value) }))
        .execute();
    }
    const after = await readPolicies(tx);
    await recordAudit(tx, deps, { actorId, action: 'settings.update', entity: 'policy', entityId: null, before, after });
    return after;
  });
}
