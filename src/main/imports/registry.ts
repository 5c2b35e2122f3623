// Every importer, by name.
import type { ImporterName } from '../../shared/contract/imports';
import type { Importer } from './importer';
import { familiesImporter } from './families';
import { openingBalancesImporter } from './opening-balances';
import { studentsImporter } from './students';

export const IMPORTER_DEFS: Record<ImporterName, Importer<unknown>> = {
  students: studentsImporter,
  families: familiesImporter,
  opening_balances: openingBalancesImporter,
};
