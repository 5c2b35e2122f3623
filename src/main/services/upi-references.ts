// UPI references: one per fee slip that asks for money, and one per UPI QR shown at the counter; numbered per desk ("FD"
// + desk code + a six-digit number, letters and digits only, since banks drop other characters from their narrations)
// and recorded with the student, what is asked, the dues it covers and the day, so the bank statement can be traced
// back to them. A reference pays once: a second payment naming it is refused.
import { sql } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { UpiReferenceTable, Tx } from '../db/schema';
import type { Clock, IdSource } from './context';
import { enqueue } from './outbox';

export interface ReferenceAsk {
  studentId: string;
  /** Minor units: what is asked, more than nothing. */
  amount: number;
  /** The open items (due and fine keys) the amount covers; none for the counter's, which the payment allocates. */
  covers: readonly string[];
}

export const upiReference = (deskCode: string, seq: number) =>
  `FD${deskCode.toUpperCase().replace(/[^A-Z0-9]/g, '')}${String(seq).padStart(6, '0')}`;

/** Issues one reference per ask, in the caller's transaction, numbered on from this desk's last. */
export async function issueUpiReferences(
  tx: Tx,
  env: { clock: Clock; ids: IdSource },
  kind: UpiReferenceTable['kind'],
  issuedOn: string,
  asks: readonly ReferenceAsk[],
): Promise<UpiReferenceTable[]> {
  const desk = await tx.selectFrom('desk').select('code').executeTakeFirstOrThrow();
  const last = await sql<{ seq: number }>`select coalesce(max(seq), 0) as seq from upi_reference where desk_code = ${desk.code}`.execute(
    tx,
  );
  const createdAt = env.clock.now().toISOString();
  const rows = asks.map((a, i): UpiReferenceTable => {
    const seq = last.rows[0]!.seq + i + 1;
    return {
      ref: upiReference(desk.code, seq),
      kind,
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
    await tx.insertInto('upi_reference').values(row).execute();
    await enqueue(tx, env, 'upi.reference', {
      ref: row.ref,
      kind: row.kind,
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

/**
 * A payment naming a UPI reference: one this school issued (on this desk, or synced from another), for one of the
 * students paying, and not paid by another receipt that still stands (a cancelled one frees it).
 */
export async function checkUpiReference(tx: Tx, ref: string, studentIds: readonly string[]): Promise<void> {
  const issued = await tx.selectFrom('upi_reference').select(['student_id']).where('ref', '=', ref).executeTakeFirst();
  if (!issued) throw new AppError('invalid_input', 'method.upiRef is not a UPI reference this school issued', 'method.upiRef');
  if (!studentIds.includes(issued.student_id)) {
    throw new AppError('invalid_input', 'method.upiRef was issued for another student: show a new UPI QR for this one', 'method.upiRef');
  }
  const paid = await sql<{ receipt_no: string }>`
    select receipt_no from payment p where mode = 'upi' and json_extract(reference_json, '$.upiRef') = ${ref}
    and not exists (select 1 from payment_event e where e.payment_id = p.id and e.kind = 'cancelled') limit 1`.execute(tx);
  if (paid.rows[0])
    throw new AppError('conflict', `method.upiRef was paid already, by receipt ${paid.rows[0].receipt_no}`, 'method.upiRef');
}
