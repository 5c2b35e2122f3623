// The no-dues certificate as a PDF: checked and counted as its next copy in one transaction, drawn, then delivered.
import type { OutputOf, ParsedInputOf } from '../../shared/contract';
import type { ServiceDeps } from '../services/context';
import { issueNoDuesCertificate } from '../services/no-dues';
import { deliver, type PrintDeps } from './deliver';
import { addNoDuesPage } from './no-dues-pdf';
import { finishPdf, newPdf } from './receipt-pdf';

export async function printNoDuesCertificate(
  deps: ServiceDeps,
  print: PrintDeps,
  userId: string,
  { studentId, target }: ParsedInputOf<'students.noDuesCertificate'>,
): Promise<OutputOf<'students.noDuesCertificate'>> {
  const certificate = await deps
    .store()
    .transaction()
    .execute((tx) => issueNoDuesCertificate(tx, deps, userId, studentId));
  const doc = newPdf(print.fonts(), `No-dues certificate ${certificate.certificateNo}`);
  addNoDuesPage(doc, certificate);
  const pdf = await finishPdf(doc);
  const name = certificate.certificateNo.replaceAll(/[^A-Za-z0-9._-]+/g, '-');
  const fileName = `no-dues-${name}${certificate.copyNo > 1 ? `-copy${certificate.copyNo}` : ''}.pdf`;
  await deliver(print, pdf, fileName, target);
  return { fileName, base64: pdf.toString('base64'), certificateNo: certificate.certificateNo, copyNo: certificate.copyNo };
}
