// The year-end rollover on the server: one rollover per year, its new year's name held like any year's, and every
// student it moves given the class, section and standing the desks give them, at the next version (so an edit made
// on another desk before the rollover arrived is stale, as it would be after any other change to the student).
import type { MutationArgs as Args } from '../shared/sync/protocol';
import { applied, type BatchState, type Outcome, rejected, studentRecord } from './batch-state';

const STATUS = { promoted: 'active', detained: 'active', left: 'left', graduated: 'alumni' } as const;

export function rollOver(state: BatchState, a: Args<'years.rollover'>): Outcome {
  const earlier = state.rolledOver.get(a.fromYearId);
  if (earlier && earlier !== a.id) return rejected(`${a.toYear.name}: the year before it was rolled over already, on another desk`);
  const holder = state.masterNames.get(`masters.createYear:${a.toYear.name.toLowerCase()}`);
  if (holder && holder !== a.toYear.id)
    return rejected(`'${a.toYear.name}' already exists in this school (made on another desk): use that one`);
  state.rolledOver.set(a.fromYearId, a.id);
  state.addMaster('masters.createYear', a.toYear.id, a.toYear.name.toLowerCase());
  for (const move of a.moves) {
    const status = STATUS[move.outcome];
    for (const [i, id] of move.studentIds.entries()) {
      // A student the server never took in (their admission was refused) is on no other desk either.
      const current = state.students.get(id);
      if (!current) continue;
      // The desk rolled over in step with the server, so its version is the server's plus one.
      const version = Math.max(current.version + 1, move.versions[i]!);
      const data = {
        ...studentRecord(current.data, version),
        classId: move.toClassId,
        sectionId: move.toSectionId,
        status,
        leftOn: status === 'active' ? null : a.closedOn,
      };
      Object.assign(current, { version, data, changed: true });
    }
  }
  return applied;
}
