// What a receipt says in words, the same on paper and on screen: who paid whom for whom, and what each child's share was.
import type { Receipt } from '../contract/payments';
import { amountInWords } from './amount-in-words';
import { arrearsLabel } from './arrears';

/** "Received with thanks from Suresh Nair the sum of Rupees … Only for Diya Nair (Class 5-A) and Arjun Nair (Class 3-B)." */
export function receivedWithThanks(r: Pick<Receipt, 'students' | 'amount' | 'school'>): string {
  const guardians = [...new Set(r.students.map((s) => s.guardianName))];
  const children = r.students.map((s) => `${s.fullName} (${s.className}${s.section ? `-${s.section}` : ''})`);
  const list = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? ''));
  return `Received with thanks from ${list(guardians)} the sum of ${amountInWords(r.amount, r.school.currency, r.school.locale)} for ${list(children)}.`;
}

/** The receipt's lines by the child they were paid for, in the order the children are listed, each with its total. */
export function linesByStudent(
  r: Pick<Receipt, 'students' | 'lines'>,
): { student: Receipt['students'][number]; lines: Receipt['lines']; total: number }[] {
  return r.students
    .map((student) => {
      const lines = r.lines.filter((l) => l.studentId === student.id);
      return { student, lines, total: lines.reduce((a, l) => a + l.amount, 0) };
    })
    .filter((part) => part.lines.length > 0);
}

/** A receipt line's installment as printed: a previous year's named with its year ("Arrears 2025-26 · Quarter 3"). */
export const installmentOf = (line: Pick<Receipt['lines'][number], 'installment' | 'arrearsYear'>): string =>
  line.arrearsYear ? `${arrearsLabel(line.arrearsYear)} · ${line.installment}` : line.installment;
