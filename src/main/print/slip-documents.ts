// Fee slips as one PDF: each student's open dues today, for a list of students or a whole class or section.
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import { AppError } from '../../shared/contract/errors';
import type { ServiceDeps } from '../services/context';
import { currentYear } from '../services/masters';
import { openDues, today } from '../services/payments';
import { deliver, type PrintDeps } from './deliver';
import { finishPdf, newPdf } from './receipt-pdf';
import { addSlipPages, type SlipData } from './slip-pdf';

export async function printSlips(
  deps: ServiceDeps,
  print: PrintDeps,
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
  const doc = newPdf(print.fonts(), `Fee slips ${asOf}`);
  addSlipPages(doc, slips, perPage);
  const pdf = await finishPdf(doc);
  const fileName = `fee-slips-${asOf}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), slips: slips.length };
}
