// The students a charge is for, in a sentence.
const SHOWN = 6;

export const studentsCount = (n: number) => (n === 1 ? '1 student' : `${n.toLocaleString('en-IN')} students`);

/** "Asha Menon, Bala Iyer", or the first few and how many more. */
export function namesOf(students: readonly { fullName: string }[]): string {
  const names = students.slice(0, SHOWN).map((s) => s.fullName);
  const more = students.length - names.length;
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
}
