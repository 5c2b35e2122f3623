// Every importer, by name.
import type { ImporterName } from '../../shared/contract/imports';
import type { Importer } from './importer';
import { concessionsImporter } from './concessions';
import { familiesImporter } from './families';
import { openingBalancesImporter } from './opening-balances';
import { structuresImporter } from './structures';
import { studentsImporter } from './students';
import { studentChargesImporter } from './student-charges';

export const IMPORTER_DEFS: Record<ImporterName, Importer<unknown>> = {
  students: studentsImporter,
  families: familiesImporter,
  structures: structuresImporter,
  concessions: concessionsImporter,
  opening_balances: openingBalancesImporter,
  student_charges: studentChargesImporter,
};
