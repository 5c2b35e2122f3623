// Fee slips for a student, a list or a whole class/section; and turning a scanned slip back into a student.
import { AppError } from '../../shared/contract/errors';
import { studentIdFromToken } from '../../shared/domain/slip-token';
import type { HandlersFor } from '../ipc/router';
import { finishPdf, newPdf } from '../print/receipt-pdf';
import { addSlipPages, type SlipData } from '../print/slip-pdf';
import type { ServiceDeps } from '../services/context';
import { currentYear } from '../services/masters';
import { openDues, today } from '../services/payments';
import { deliver, type PrintDeps } from './receipts';
import { getStudent } from '../services/students';

export function slipsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersFor<'slips'> {
  return {
    'slips.print': async ({ studentIds, classId, sectionId, perPage, target }) => {
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
    },

    'slips.resolve': async ({ token }) => {
      const id = studentIdFromToken(token);
      if (!id) throw new AppError('invalid_input', 'token is not a FeeDesk fee slip code', 'token');
      const student = await getStudent(deps.store(), id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') throw new AppError('not_found', 'this fee slip belongs to no student on this desk (sync, or check the school)', 'token');
        throw err;
      });
      if (student.status !== 'active') {
        throw new AppError('conflict', `${student.fullName} (${student.admissionNo}) has ${student.status === 'alumni' ? 'graduated' : 'left'}${student.leftOn ? ` on ${student.leftOn}` : ''}: find them by name to collect arrears`, 'token');
      }
      const { classId: _c, sectionId: _s, phone2: _p, email: _e, categoryId: _k, joinedOn: _j, leftOn: _l, version: _v, ...summary } = student;
      return summary;
    },
  };
}
