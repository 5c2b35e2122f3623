// A fee slip's UPI reference: issued with the slip, numbered per desk ("FD" + desk code + a six-digit number, letters
// and digits only, since banks drop other characters from their narrations), and recorded with the student, what the
// slip asks for, the dues it covers and the day, so the bank statement can be traced back to it.
import { sql } from 'kysely';
import type { SlipReferenceTable, Tx } from '../db/schema';
import type { Clock, IdSource } from './context';
import { enqueue } from './outbox';

export interface SlipAsk {
  studentId: string;
  /** Minor units: what the slip asks for, more than nothing. */
  amount: number;
  /** The open items (due and fine keys) the amount covers. */
  covers: readonly string[];
}

export const slipReference = (deskCode: string, seq: number) =>
  `FD${deskCode.toUpperCase().replace(/[^A-Z0-9]/g, '')}${String(seq).padStart(6, '0')}`;

/** Issues one reference per slip, in the caller's transaction, numbered on from this desk's last. */
export async function issueSlipReferences(
  tx: Tx,
  env: { clock: Clock; ids: IdSource },
  issuedOn: string,
  asks: readonly SlipAsk[],
): Promise<SlipReferenceTable[]> {
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  const last = await sql<{ seq: number }>`select coalesce(max(seq), 0) as seq from slip_reference where desk_code = ${desk.code}`.execute(
    tx,
  );
  const createdAt = env.clock.now().toISOString();
  const rows = asks.map((a, i): SlipReferenceTable => {
    const seq = last.rows[0]!.seq + i + 1;
    return {
      ref: slipReference(desk.code, seq),
      student_id: a.studentId,
      amount: a.amount,
      covers_json: JSON.stringify(a.covers),
      issued_on: issuedOn,
      desk_code: desk.code,
      seq,
      created_at: createdAt,
    };
  });
  for (const row of rows) {
    await tx.insertInto('slip_reference').values(row).execute();
    await enqueue(tx, env, 'slips.issue', {
      ref: row.ref,
      studentId: row.student_id,
      amount: row.amount,
      covers: JSON.parse(row.covers_json) as string[],
      issuedOn: row.issued_on,
      deskCode: row.desk_code,
      seq: row.seq,
      createdAt: row.created_at,
    });
  }
  return rows;
}
