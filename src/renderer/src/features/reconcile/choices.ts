// What the accountant chose for each statement line: ticked for confirming or not, and the student a line was given
// to by hand. The books decide what a line is; these choices only say which lines go in, and for whom.
import type { ReconcileLine, ReconcilePreview } from '../../../../shared/contract/reconcile';
import type { StudentSummary } from '../../../../shared/contract/students';

export interface Choice {
  ticked: boolean;
  /** Chosen by hand (an unmatched line assigned, or a match re-assigned); null: the line's own match. */
  student: StudentSummary | null;
}
export type Choices = ReadonlyMap<number, Choice>;

/** Money in that confirming can take: a returned cheque goes through the bounce flow instead. */
export const confirmable = (l: ReconcileLine): boolean =>
  (l.status === 'matched' || l.status === 'probable' || l.status === 'unmatched') && l.credit > 0 && l.action?.kind !== 'bounce';

/** A line that becomes a new payment can be given to another student; one confirming a receipt is that receipt's money. */
export const assignable = (l: ReconcileLine): boolean => confirmable(l) && (l.action === null || l.action.kind === 'record');

/** A line matching no one can be ticked once it has a student. */
export const tickable = (l: ReconcileLine, c: Choice | undefined): boolean => confirmable(l) && (l.action !== null || !!c?.student);

/**
 * Matches are ticked, probable ones are not (never applied without a click); what was chosen for a line of the same
 * statement before (a read again after a bounce, what was left after a confirmation) stays chosen.
 */
export function choicesFor(preview: ReconcilePreview, earlier: Choices = new Map()): Map<number, Choice> {
  const choices = new Map<number, Choice>();
  for (const line of preview.lines) {
    if (!confirmable(line)) continue;
    const before = earlier.get(line.row);
    choices.set(line.row, before ?? { ticked: line.status === 'matched', student: null });
  }
  return choices;
}

export function ticked(preview: ReconcilePreview, choices: Choices): ReconcileLine[] {
  return preview.lines.filter((l) => tickable(l, choices.get(l.row)) && choices.get(l.row)?.ticked);
}

/** The confirmation's lines: a student named only where the accountant chose another than the match's. */
export function confirmation(lines: readonly ReconcileLine[], choices: Choices): { row: number; studentId?: string }[] {
  return lines.map((l) => {
    const student = choices.get(l.row)?.student;
    const own = l.action?.kind === 'record' ? l.action.studentId : null;
    return student && student.id !== own ? { row: l.row, studentId: student.id } : { row: l.row };
  });
}
