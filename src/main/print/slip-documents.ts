// Fee slips as one PDF: each student's open dues today, for a list of students or a whole class or section. When the
// school takes UPI, each slip that asks for money gets a reference of its own, recorded (with audit and outbox) in one
// transaction before the PDF is drawn, and a UPI QR for that amount.
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import { AppError } from '../../shared/contract/errors';
import { upiPayLink } from '../../shared/domain/upi';
import { recordAudit } from '../services/audit';
import type { ServiceDeps } from '../services/context';
import { currentYear } from '../services/masters';
import { openDues, today } from '../services/payments';
import { readPolicies } from '../services/settings';
import { issueUpiReferences } from '../services/upi-references';
import { deliver, type PrintDeps } from './deliver';
import { finishPdf, newPdf } from './receipt-pdf';
import { addSlipPages, type SlipData, slipAsk } from './slip-pdf';

export async function printSlips(
  deps: ServiceDeps,
  print: PrintDeps,
  userId: string,
  { studentIds, classId, sectionId, perPage, target }: ParsedInputOf<'slips.print'>,
): Promise<OutputOf<'slips.print'>> {
  const db = deps.store();
  let ids = studentIds ?? [];
  if (ids.length === 0) {
    let q = db.selectFrom('student').select('id').where('class_id', '=', classId!).where('status', '=', 'active').orderBy('full_name');
    if (sectionId) q = q.where('section_id', '=', sectionId);
    ids = (await q.execute()).map((s) => s.id);
    if (ids.length === 0) throw new AppError('not_found', 'no active students in that class or section', 'classId');
  }
  const school = await db.selectFrom('school').select(['name', 'currency', 'locale']).executeTakeFirstOrThrow();
  const year = await currentYear(db);
  const asOf = today(deps);
  const slips: SlipData[] = [];
  for (const id of ids) slips.push({ school, yearName: year.name, dues: await openDues(db, [id], asOf) });
  const policies = await readPolicies(db);
  if (policies.upiId !== '') {
    const asking = slips.map((slip) => ({ slip, ask: slipAsk(slip.dues) })).filter(({ ask }) => ask.amount > 0);
    const asks = asking.map(({ slip, ask }) => ({
      studentId: slip.dues.students[0]!.id,
      amount: ask.amount,
      covers: ask.items.map((i) => i.key),
    }));
    const refs = await db.transaction().execute(async (tx) => {
      const issued = await issueUpiReferences(tx, deps, 'slip', asOf, asks);
      await recordAudit(tx, deps, {
        actorId: userId,
        action: 'slips.issue',
        entity: 'upi_reference',
        entityId: null,
        after: { issuedOn: asOf, slips: issued.map((r) => ({ ref: r.ref, studentId: r.student_id, amount: r.amount })) },
      });
      return issued;
    });
    asking.forEach(({ slip }, i) => {
      const ref = refs[i]!;
      const student = slip.dues.students[0]!;
      slip.upi = {
        link: upiPayLink({
          payeeId: policies.upiId,
          payeeName: policies.upiPayeeName,
          merchantCode: policies.upiMerchantCode || undefined,
          amount: ref.amount,
          reference: ref.ref,
          note: `${student.admissionNo} ${ref.ref}`,
        }),
        amount: ref.amount,
        payeeName: policies.upiPayeeName,
        reference: ref.ref,
      };
    });
  }
  const doc = newPdf(print.fonts(), `Fee slips ${asOf}`);
  addSlipPages(doc, slips, perPage);
  const pdf = await finishPdf(doc);
  const fileName = `fee-slips-${asOf}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), slips: slips.length };
}
