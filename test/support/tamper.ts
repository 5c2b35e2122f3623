// Someone with the store's key changing a desk's records behind FeeDesk's back, as the audit chain must catch.
import { openSideStore, type TestDesk } from './harness';

/** Runs SQL on the desk's store behind FeeDesk's back, with the append-only triggers out of the way. */
export async function behindTheBack(desk: Pick<TestDesk, 'dir' | 'dbPath' | 'keychain'>, statements: string[], params: unknown[][] = []) {
  const side = await openSideStore(desk);
  const triggers = side.raw
    .prepare("select name, sql from sqlite_master where type = 'trigger' and (name like '%no_update' or name like '%no_delete')")
    .all() as { name: string; sql: string }[];
  for (const t of triggers) side.raw.exec(`drop trigger ${t.name}`);
  statements.forEach((s, i) => side.raw.prepare(s).run(...(params[i] ?? [])));
  for (const t of triggers) side.raw.exec(t.sql);
  await side.close();
}
