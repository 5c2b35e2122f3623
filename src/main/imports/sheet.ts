// A sheet as the importers read it, whatever the file was (XLSX or CSV): numbered rows of cells, within limits.
export type Cell = string | number | boolean | Date | null;

export interface SheetRow {
  /** 1-based, as the user sees it in Excel (a CSV record with a line break inside a cell is still one row). */
  row: number;
  values: Cell[];
}

export interface ReadLimits {
  maxBytes: number;
  /** Rows with something in them; empty rows are skipped and do not count. */
  maxRows: number;
  maxCellChars: number;
  /** How far a workbook may unzip (all its parts together): the zip bomb guard. */
  maxUnzippedBytes: number;
}
