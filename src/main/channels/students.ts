// The students area's channels: finding, admitting, editing and marking students left, their no-dues certificate; families.
import type { studentsChannels } from '../../shared/contract/students';
import { type HandlersOf, requireSession } from '../ipc/router';
import type { PrintDeps } from '../print/deliver';
import { printNoDuesCertificate } from '../print/no-dues-documents';
import type { ServiceDeps } from '../services/context';
import { leavePreview } from '../services/no-dues';
import {
  createFamily,
  createStudent,
  getStudent,
  leaveStudent,
  listStudents,
  readFamily,
  searchStudents,
  updateStudent,
} from '../services/students';

export function studentsHandlers(deps: ServiceDeps, print: PrintDeps): HandlersOf<typeof studentsChannels> {
  return {
    'students.search': ({ query, limit }) => searchStudents(deps.store(), query, limit),
    'students.list': (filter) => listStudents(deps.store(), filter),
    'students.get': ({ studentId }) => getStudent(deps.store(), studentId),
    'students.create': (input, call) => createStudent(deps, requireSession(call).userId, input),
    'students.update': (input, call) => updateStudent(deps, requireSession(call).userId, input),
    'students.leave': (input, call) => leaveStudent(deps, requireSession(call).userId, input),
    'students.leavePreview': ({ studentId, leftOn }) => leavePreview(deps, studentId, leftOn),
    'students.noDuesCertificate': (input, call) => printNoDuesCertificate(deps, print, requireSession(call).userId, input),
    'families.create': ({ name, studentIds }, call) => createFamily(deps, requireSession(call).userId, name, studentIds),
    'families.get': ({ familyId }) => readFamily(deps.store(), familyId),
  };
}
