// Reads the first worksheet of an XLSX workbook with exceljs's streaming reader, a row at a time.
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/contract/errors';
import { count, fileProblem } from './file-problems';
import type { Cell, ReadLimits, SheetRow } from './sheet';
import { firstSheetPackage, unreadable } from './xlsx-package';

/** Cells a sheet may hold per row allowed, on average: far past any school list, short of a sheet made to choke us. */
const CELLS_PER_ROW = 200;
const MAX_COLUMNS = 16_384; // XFD, Excel's last column

const READER_OPTIONS = { entries: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' } as const;

/** A cell as the user sees it: rich text and hyperlinks as their text, formulas as their result, errors as #N/A etc. */
function cellOf(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if ('richText' in value) return cellOf(value.richText.map((run) => run.text ?? '').join(''));
  if ('formula' in value || 'sharedFormula' in value) return cellOf(value.result ?? null);
  if ('error' in value) return value.error;
  return cellOf(value.text);
}

function valuesOf(row: ExcelJS.Row): Cell[] {
  if (row.cellCount > MAX_COLUMNS) throw unreadable(`row ${row.number} has cells past column XFD, Excel's last`);
  const values = new Array<Cell>(row.cellCount).fill(null);
  row.eachCell((cell, column) => {
    values[column - 1] = cellOf(cell.value);
  });
  return values;
}

/**
 * The rows of the workbook's first worksheet. Dates in date-formatted cells come as Date (midnight UTC); a merged
 * area's value is in its top-left cell, the rest of it is empty.
 */
export async function* readXlsxRows(path: string, limits: ReadLimits): AsyncGenerator<SheetRow> {
  const input = await firstSheetPackage(path, limits.maxUnzippedBytes);
  const maxCells = limits.maxRows * CELLS_PER_ROW;
  let cells = 0;
  let last = 0;
  try {
    for await (const worksheet of new ExcelJS.stream.xlsx.WorkbookReader(input, READER_OPTIONS)) {
      for await (const row of worksheet) {
        cells += Math.max(1, row.cellCount);
        if (cells > maxCells) {
          throw fileProblem(
            `the sheet has more than ${count(maxCells)} cells; FeeDesk imports up to ${count(limits.maxRows)} rows of ${CELLS_PER_ROW} at a time: split it`,
          );
        }
        // Some writers leave out row numbers: such a row follows the one before.
        last = Number.isInteger(row.number) && row.number > 0 ? row.number : last + 1;
        yield { row: last, values: valuesOf(row) };
      }
      return;
    }
  } catch (error) {
    throw error instanceof AppError ? error : unreadable((error as Error).message);
  } finally {
    input.destroy();
  }
  throw fileProblem('the workbook has no worksheet FeeDesk can read');
}
