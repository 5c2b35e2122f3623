// The column names of the account statements Indian banks let a school download (CSV or Excel), and which layout a
// header row is. Names are compared as headers.ts compares them: case, spaces and punctuation never decide a match.
import { normalizeHeader } from './headers';

export type BankLayout = 'sbi' | 'hdfc' | 'icici' | 'axis' | 'kotak';

/** The names a statement's columns go by; a field with no names is not in that bank's statement. */
export interface StatementColumns {
  date: string[];
  narration: string[];
  reference: string[];
  valueDate: string[];
  /** Separate withdrawal and deposit columns … */
  debit: string[];
  credit: string[];
  /** … or one amount column, with a Dr/Cr column beside it or a sign on the amount. */
  amount: string[];
  drCr: string[];
  balance: string[];
}

export interface LayoutDescription {
  bank: string;
  /** The header row as the bank writes it, for the user and the test fixtures. */
  header: string[];
  columns: StatementColumns;
  /** How the bank writes dates (every one of them reads with parseDate, which takes day-first and month names). */
  dateFormat: string;
}

/** Account holder, address, period and the like sit above the table: the header is looked for this far down. */
export const HEADER_SCAN_ROWS = 30;

const none: string[] = [];

export const BANK_LAYOUTS: Record<BankLayout, LayoutDescription> = {
  sbi: {
    bank: 'State Bank of India',
    header: ['Txn Date', 'Value Date', 'Description', 'Ref No./Cheque No.', 'Debit', 'Credit', 'Balance'],
    columns: {
      date: ['Txn Date'],
      narration: ['Description'],
      reference: ['Ref No./Cheque No.', 'Ref No/Cheque No'],
      valueDate: ['Value Date'],
      debit: ['Debit'],
      credit: ['Credit'],
      amount: none,
      drCr: none,
      balance: ['Balance'],
    },
    dateFormat: 'DD MMM YYYY (15 Jan 2026), also DD-MMM-YY and DD/MM/YYYY',
  },
  hdfc: {
    bank: 'HDFC Bank',
    header: ['Date', 'Narration', 'Chq./Ref.No.', 'Value Dt', 'Withdrawal Amt.', 'Deposit Amt.', 'Closing Balance'],
    columns: {
      date: ['Date'],
      narration: ['Narration'],
      reference: ['Chq./Ref.No.', 'Chq/Ref Number'],
      valueDate: ['Value Dt', 'Value Dat'],
      debit: ['Withdrawal Amt.', 'Debit Amount'],
      credit: ['Deposit Amt.', 'Credit Amount'],
      amount: none,
      drCr: none,
      balance: ['Closing Balance'],
    },
    dateFormat: 'DD/MM/YY',
  },
  icici: {
    bank: 'ICICI Bank',
    header: [
      'S No.',
      'Value Date',
      'Transaction Date',
      'Cheque Number',
      'Transaction Remarks',
      'Withdrawal Amount (INR )',
      'Deposit Amount (INR )',
      'Balance (INR )',
    ],
    columns: {
      date: ['Transaction Date'],
      narration: ['Transaction Remarks'],
      reference: ['Cheque Number'],
      valueDate: ['Value Date'],
      debit: ['Withdrawal Amount (INR)', 'Withdrawal Amount'],
      credit: ['Deposit Amount (INR)', 'Deposit Amount'],
      amount: none,
      drCr: none,
      balance: ['Balance (INR)', 'Balance'],
    },
    dateFormat: 'DD/MM/YYYY',
  },
  axis: {
    bank: 'Axis Bank',
    header: ['Tran Date', 'CHQNO', 'PARTICULARS', 'DR', 'CR', 'BAL', 'SOL'],
    columns: {
      date: ['Tran Date', 'Transaction Date'],
      narration: ['PARTICULARS'],
      reference: ['CHQNO', 'Chq No', 'Cheque No.'],
      valueDate: ['Value Date'],
      debit: ['DR', 'Debit'],
      credit: ['CR', 'Credit'],
      amount: ['Amount'],
      drCr: ['Dr/Cr'],
      balance: ['BAL', 'Balance'],
    },
    dateFormat: 'DD-MM-YYYY',
  },
  kotak: {
    bank: 'Kotak Mahindra Bank',
    header: ['Sl. No.', 'Date', 'Description', 'Chq / Ref No.', 'Amount', 'Dr / Cr', 'Balance', 'Dr / Cr'],
    columns: {
      date: ['Date', 'Transaction Date'],
      narration: ['Description'],
      reference: ['Chq / Ref No.', 'Chq/Ref No.', 'Chq / Ref number'],
      valueDate: ['Value Date'],
      debit: ['Withdrawal (Dr)', 'Debit'],
      credit: ['Deposit (Cr)', 'Credit'],
      amount: ['Amount'],
      drCr: ['Dr / Cr'],
      balance: ['Balance'],
    },
    dateFormat: 'DD-MM-YYYY',
  },
};

export const LAYOUTS = Object.keys(BANK_LAYOUTS) as BankLayout[];

export type ColumnIndex = Record<keyof StatementColumns, number | null>;

/**
 * Where each field's column is in a header row, or null when the row is not this layout's header: it must name the
 * date, the narration and the money (withdrawal and deposit, or an amount). A column feeds one field at most; where a
 * name repeats (Kotak's two Dr / Cr columns), the first is the amount's.
 */
export function columnsFor(layout: BankLayout, headers: string[]): ColumnIndex | null {
  const names = headers.map(normalizeHeader);
  const taken = new Set<number>();
  const { columns } = BANK_LAYOUTS[layout];
  const index = {} as ColumnIndex;
  for (const field of Object.keys(columns) as (keyof StatementColumns)[]) {
    const wanted = new Set(columns[field].map(normalizeHeader));
    const at = names.findIndex((name, i) => !taken.has(i) && wanted.has(name));
    index[field] = at >= 0 ? at : null;
    if (at >= 0) taken.add(at);
  }
  const money = (index.debit !== null && index.credit !== null) || index.amount !== null;
  return index.date !== null && index.narration !== null && money ? index : null;
}

const named = (index: ColumnIndex) => Object.values(index).filter((at) => at !== null).length;

/** The bank whose statement header this row is: the layout naming the most of its columns (Txn Date is SBI's, …). */
export function detectLayout(headers: string[]): BankLayout | null {
  let best: { layout: BankLayout; score: number } | null = null;
  for (const layout of LAYOUTS) {
    const index = columnsFor(layout, headers);
    if (index && (!best || named(index) > best.score)) best = { layout, score: named(index) };
  }
  return best?.layout ?? null;
}
