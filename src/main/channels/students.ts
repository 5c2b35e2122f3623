// The students area's channels: finding, admitting, editing and marking students left; families.
import type { studentsChannels } from '../../shared/contract/students';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { ServiceDeps } from '../services/context';
import {
  createFamily,
  createStudent,
  getStudent,
  leavePreview,
  leaveStudent,
  listStudents,
  readFamily,
  searchStudents,
  updateStudent,
} from '../services/students';

export function studentsHandlers(deps: ServiceDeps): HandlersOf<typeof studentsChannels> {
  return {
    'students.search': ({ query, limit }) => searchStudents(deps.store(), query, limit),
    'students.list': (filter) => listStudents(deps.store(), filter),
    'students.get': ({ studentId }) => getStudent(deps.store(), studentId),
    'students.create': (input, call) => createStudent(deps, requireSession(call).userId, input),
    'students.update': (input, call) => updateStudent(deps, requireSession(call).userId, input),
    'students.leave': (input, call) => leaveStudent(deps, requireSession(call).userId, input),
    'students.leavePreview': ({ studentId, leftOn }) => leavePreview(deps.store(), studentId, leftOn),
    'families.create': ({ name, studentIds }, call) => createFamily(deps, requireSession(call).userId, name, studentIds),
    'families.get': ({ familyId }) => readFamily(deps.store(), familyId),
  };
}
