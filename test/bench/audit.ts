// audit.verify1m: a desk whose trail holds 1,000,000 chained rows (with a signed checkpoint every 1,000), verified
// through the app's channel on the background worker, as the Audit trail screen does.
import { join } from 'node:path';
import { CHECKPOINT_EVERY, signCheckpoint } from '../../src/main/services/audit-chain';
import { chainHash, GENESIS } from '../../src/node-shared/audit-chain';
import { ensureDeskKey } from '../../src/main/services/desk-keys';
import { openSideStore, openTestDesk, setUpSchool, tempDir, type TestDesk } from '../support/harness';
import type { BenchCase } from './harness';
import { BUILT_WORKER } from './school';

const ROWS = Number(process.env['BENCH_AUDIT_ROWS'] ?? 1_000_000);
const scratch = tempDir();
let desk: TestDesk | null = null;
const figures = { rows: 0, checkpoints: 0 };

async function trailDesk(): Promise<TestDesk> {
  if (desk) return desk;
  desk = await openTestDesk({ dir: join(scratch.dir, 'audit') });
  await desk.restart({ validateOutput: false, backgroundWorker: BUILT_WORKER });
  await setUpSchool(desk);
  const side = await openSideStore(desk);
  const raw = side.raw;
  const deskCode = (raw.prepare('select code from desk').get() as { code: string }).code;
  await side.db
    .transaction()
    .execute((tx) => ensureDeskKey(tx, { clock: { now: () => new Date() }, ids: { uuid: () => crypto.randomUUID() } }, deskCode));
  const key = raw.prepare('select key_id, private_key from desk_key where private_key is not null').get() as {
    key_id: string;
    private_key: string;
  };
  const last = raw.prepare('select seq, hash from audit_log order by seq desc limit 1').get() as { seq: number; hash: string };
  const insert = raw.prepare(
    'insert into audit_log (seq, id, at, user_id, desk_code, action, entity, entity_id, before_json, after_json, prev_hash, hash) values (?, ?, ?, null, ?, ?, ?, ?, null, ?, ?, ?)',
  );
  const checkpoint = raw.prepare(
    'insert into audit_checkpoint (upto_seq, desk_code, head_hash, at, key_id, signature) values (?, ?, ?, ?, ?, ?)',
  );
  let prev = last?.hash ?? GENESIS;
  let seq = last?.seq ?? 0;
  const at = '2026-06-01T05:00:00.000Z';
  while (seq < ROWS) {
    raw.transaction(() => {
      for (let n = 0; n < 50_000 && seq < ROWS; n++) {
        seq += 1;
        const row = {
          seq,
          id: crypto.randomUUID(),
          at,
          user_id: null,
          desk_code: deskCode,
          action: 'students.update',
          entity: 'student',
          entity_id: crypto.randomUUID(),
          before_json: null,
          after_json: `{"phone":"98450${String(seq).padStart(5, '0')}"}`,
        };
        const hash = chainHash(prev, row);
        insert.run(seq, row.id, at, deskCode, row.action, row.entity, row.entity_id, row.after_json, prev, hash);
        prev = hash;
        if (seq % CHECKPOINT_EVERY === 0) {
          const point = { desk_code: deskCode, upto_seq: seq, head_hash: hash, at };
          checkpoint.run(seq, deskCode, hash, at, key.key_id, signCheckpoint(key.private_key, point));
        }
      }
    })();
  }
  await side.close();
  return desk;
}

export const auditCases: BenchCase[] = [
  {
    name: 'audit.verify1m',
    runs: 3,
    warmup: 0,
    setup: async () => void (await trailDesk()),
    async run() {
      const report = await desk!.ok('audit.verify');
      if (!report.intact) throw new Error(`the generated trail does not verify: ${JSON.stringify(report.firstBreak)}`);
      Object.assign(figures, { rows: report.rows, checkpoints: report.checkpoints });
    },
    extra: () => ({ ...figures }),
  },
];

export async function closeAuditBench(): Promise<void> {
  await desk?.close();
  scratch.cleanup();
}
