// The rollover as the admin fills it in (text as typed, choices by id), turned into the request main takes, and a
// refusal's field turned back into the place on the screen it belongs to.
import type { InputOf } from '../../../../shared/contract';
import type { Masters } from '../../../../shared/contract/masters';
import { aYearOn, nextYearName, suggestedClassMap } from '../../../../shared/domain/rollover';

export type RolloverPlan = InputOf<'years.rolloverPreview'>;
export type Outcome = 'detained' | 'left' | 'section';

export interface ClassRow {
  fromClassId: string;
  /** null: the class graduates. */
  toClassId: string | null;
  /** A section of the class with no section of its name in the next class: where its students go ('' adds one of that name). */
  sections: Record<string, string>;
}

export interface ExceptionRow {
  student: { id: string; admissionNo: string; fullName: string; classId: string; className: string; section: string | null };
  outcome: Outcome;
  /** Detained: the section kept in ('' the same one); moved: the section of the next class. */
  sectionId: string;
  reason: string;
}

export interface Draft {
  fromYearId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  classes: ClassRow[];
  exceptions: ExceptionRow[];
  /** The change typed per fee head, in percent ("7.5", "-10"); blank is no change. */
  percents: Record<string, string>;
  /** Minor units: each new installment is rounded to a multiple of it. */
  roundTo: number;
  carryConcessions: boolean;
}

/** ₹1, ₹10, ₹50, ₹100 in paise. */
export const ROUNDINGS = [100, 10_00, 50_00, 100_00] as const;

/** The year after the current one, each class into the next, no exceptions, fees unchanged; null with no current year. */
export function initialDraft(masters: Masters): Draft | null {
  const year = masters.years.find((y) => y.isCurrent);
  if (!year) return null;
  return {
    fromYearId: year.id,
    name: nextYearName(year.name) ?? '',
    startsOn: aYearOn(year.startsOn),
    endsOn: aYearOn(year.endsOn),
    classes: suggestedClassMap(masters.classes).map((c) => ({ ...c, sections: {} })),
    exceptions: [],
    percents: {},
    roundTo: 100,
    carryConcessions: true,
  };
}

/** The sections of a class that the next class has none of the same name for: those whose destination may be chosen. */
export function unmatchedSections(masters: Masters, row: ClassRow): { id: string; name: string }[] {
  const from = masters.classes.find((c) => c.id === row.fromClassId);
  const to = masters.classes.find((c) => c.id === row.toClassId);
  if (!from || !to) return [];
  const names = new Set(to.sections.map((s) => s.name.toLowerCase()));
  return from.sections.filter((s) => !names.has(s.name.toLowerCase()));
}

const PERCENT = /^([+-]?)(\d{1,3})(?:[.](\d{1,2}))?\s*%?$/;

/** "7.5" → 750 hundredths of a percent, "-10" → -1000, blank → 0; null when it is not a percentage. */
export function basisPointsOf(text: string): number | null {
  const typed = text.trim();
  if (!typed) return 0;
  const m = PERCENT.exec(typed);
  if (!m) return null;
  const points = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -points : points;
}

/** The request, or the places on the screen whose typing is not yet something main can read. */
export function planOf(draft: Draft, masters: Masters): { plan: RolloverPlan } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const changes: { headId: string; basisPoints: number }[] = [];
  for (const [headId, text] of Object.entries(draft.percents)) {
    const basisPoints = basisPointsOf(text);
    if (basisPoints === null) errors[`fee:${headId}`] = 'Type the change in percent, like 7.5 or -10 (at most two decimals)';
    else if (basisPoints !== 0) changes.push({ headId, basisPoints });
  }
  if (!draft.startsOn) errors['newYear.startsOn'] = 'Enter the day the new year starts';
  if (!draft.endsOn) errors['newYear.endsOn'] = 'Enter the day the new year ends';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    plan: {
      fromYearId: draft.fromYearId,
      newYear: { name: draft.name.trim(), startsOn: draft.startsOn, endsOn: draft.endsOn },
      classes: draft.classes.map((c) => ({
        fromClassId: c.fromClassId,
        toClassId: c.toClassId,
        sections: unmatchedSections(masters, c)
          .filter((s) => c.sections[s.id])
          .map((s) => ({ fromSectionId: s.id, toSectionId: c.sections[s.id]! })),
      })),
      exceptions: draft.exceptions.map((e) =>
        e.outcome === 'left'
          ? { studentId: e.student.id, outcome: 'left' as const, reason: e.reason }
          : e.outcome === 'detained'
            ? { studentId: e.student.id, outcome: 'detained' as const, sectionId: e.sectionId || null, reason: e.reason }
            : { studentId: e.student.id, outcome: 'section' as const, sectionId: e.sectionId, reason: e.reason },
      ),
      fees: { changes, roundTo: draft.roundTo },
      carryConcessions: draft.carryConcessions,
    },
  };
}

/**
 * Where a refusal naming `field` of `plan` shows (a key of the screen's errors), or null for the message above the form.
 * The years.rollover channel names the plan's fields under `plan.`.
 */
export function placeOf(field: string | undefined, plan: RolloverPlan): string | null {
  if (!field) return null;
  const path = field.replace(/^plan\./, '');
  if (['newYear.name', 'newYear.startsOn', 'newYear.endsOn', 'classes'].includes(path)) return path;
  if (path === 'fees.roundTo') return 'roundTo';
  const [area, index, rest, sub] = path.split('.');
  const i = Number(index);
  if (area === 'classes') {
    const row = plan.classes[i];
    const section = rest === 'sections' ? row?.sections?.[Number(sub)] : undefined;
    if (section) return `section:${row!.fromClassId}:${section.fromSectionId}`;
    return row ? `class:${row.fromClassId}` : 'classes';
  }
  if (area === 'exceptions' && plan.exceptions?.[i]) return `exception:${plan.exceptions[i].studentId}`;
  if (area === 'fees' && index === 'changes') {
    const change = plan.fees?.changes?.[Number(rest)];
    if (change) return `fee:${change.headId}`;
  }
  return null;
}
