// Bank statements written the way each bank writes its CSV export (as in test/fixtures/bank/), from lines a test
// chooses: the payers, references and amounts of a school under test.
import { writeFileSync } from 'node:fs';

export type Bank = 'sbi' | 'hdfc' | 'icici' | 'axis' | 'kotak';
export const BANKS: Bank[] = ['sbi', 'hdfc', 'icici', 'axis', 'kotak'];

export type Line =
  | { kind: 'upi'; date: string; utr: string; payer: string; vpa: string; note: string; amount: number }
  | { kind: 'neft' | 'imps'; date: string; utr: string; payer: string; note: string; amount: number }
  | { kind: 'cheque'; date: string; chequeNo: string; payer: string; amount: number }
  | { kind: 'cash'; date: string; amount: number }
  | { kind: 'debit'; date: string; payee: string; amount: number }
  | { kind: 'returned'; date: string; chequeNo: string; amount: number };

/** The accounts the writers put above the table, per bank. */
export const ACCOUNTS: Record<Bank, string> = {
  sbi: '12345678901',
  hdfc: '50200012345678',
  icici: '000405012345',
  axis: '921020012345678',
  kotak: '8412345678',
};

const csv = (cells: (string | number | null)[]) =>
  cells.map((c) => (c === null ? '' : /[",\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c))).join(',');
const rupees = (paise: number) => (paise / 100).toFixed(2);
const [YYYY, MM, DD] = [0, 1, 2];
const parts = (iso: string) => iso.split('-');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const sbiDate = (iso: string) => `${Number(parts(iso)[DD])} ${MONTHS[Number(parts(iso)[MM]) - 1]} ${parts(iso)[YYYY]}`;
const slashed = (iso: string, year = 4) => `${parts(iso)[DD]}/${parts(iso)[MM]}/${parts(iso)[YYYY]!.slice(4 - year)}`;
const dashed = (iso: string) => `${parts(iso)[DD]}-${parts(iso)[MM]}-${parts(iso)[YYYY]}`;
const credit = (l: Line) => l.kind !== 'debit' && l.kind !== 'returned';

function narration(bank: Bank, l: Line): { text: string; ref: string } {
  switch (l.kind) {
    case 'upi':
      return {
        sbi: { text: `BY TRANSFER-UPI/CR/${l.utr}/${l.payer}/SBIN/${l.vpa}/${l.note}`, ref: 'TRANSFER FROM 4897691162095' },
        hdfc: { text: `UPI-${l.payer}-${l.vpa}-HDFC0001234-${l.utr}-${l.note}`, ref: `0000${l.utr}` },
        icici: { text: `UPI/${l.utr}/${l.note}/${l.vpa}/ICICI Bank/ICI7de43fa40188479e9baf883d6`, ref: '-' },
        axis: { text: `UPI/P2A/${l.utr}/${l.note}/${l.vpa}/HDFC BANK`, ref: '' },
        kotak: { text: `UPI/${l.payer}/${l.utr}/${l.note}`, ref: `UPI-${l.utr}` },
      }[bank];
    case 'neft':
      return {
        sbi: { text: `BY TRANSFER-NEFT*HDFC0000001*${l.utr}*${l.payer} ${l.note}`, ref: 'TRANSFER FROM 3199412044303' },
        hdfc: { text: `NEFT CR-HDFC0000001-${l.payer}-${l.note}-${l.utr}`, ref: l.utr },
        icici: { text: `NEFT-${l.utr}-${l.payer}-${l.note}-0405012345-HDFC0000001`, ref: '-' },
        axis: { text: `NEFT/${l.utr}/${l.payer} ${l.note}/HDFC0000001`, ref: '' },
        kotak: { text: `NEFT ${l.utr} ${l.payer} ${l.note}`, ref: 'NEFTINW-0012345678' },
      }[bank];
    case 'imps':
      return {
        sbi: { text: `BY TRANSFER-IMPS/P2A/${l.utr}/${l.payer}/SBIN0001234 ${l.note}`, ref: 'TRANSFER FROM 3199412044303' },
        hdfc: { text: `IMPS-${l.utr}-${l.payer}-SBIN-XXXXXXXX1234-${l.note}`, ref: `0000${l.utr}` },
        icici: { text: `MMT/IMPS/${l.utr}/${l.note}/${l.payer}/SBIN0001234`, ref: '-' },
        axis: { text: `IMPS/P2A/${l.utr}/${l.payer}/SBIN0001234 ${l.note}`, ref: '' },
        kotak: { text: `IMPS-${l.utr}-${l.payer}-${l.note}`, ref: `IMPS-${l.utr}` },
      }[bank];
    case 'cheque':
      return {
        sbi: { text: `BY CLG / CHQ NO ${l.chequeNo} / CANARA BANK`, ref: l.chequeNo },
        hdfc: { text: `CHQ DEP - MICR CLG - BANGALORE - ${l.chequeNo}`, ref: `0000000000${l.chequeNo}` },
        icici: { text: `CLG/${l.payer}/${l.chequeNo}/CNRB/08.04.2026`, ref: l.chequeNo },
        axis: { text: `CLG/${l.chequeNo}/CANARA BANK/${l.payer}`, ref: l.chequeNo },
        kotak: { text: `CHQ DEPOSIT/CLG/${l.chequeNo}`, ref: l.chequeNo },
      }[bank];
    case 'returned':
      return { text: `CHQ RETURN ${l.chequeNo} FUNDS INSUFFICIENT`, ref: l.chequeNo };
    case 'cash':
      return { text: bank === 'icici' ? 'BY CASH - MG ROAD' : 'CASH DEPOSIT SELF', ref: '' };
    case 'debit':
      return { text: `TO TRANSFER-${l.payee}`, ref: '' };
  }
}

/** Writes `lines` as `bank`'s CSV statement, account details above the table and the bank's closing words under it. */
export function writeStatement(bank: Bank, lines: readonly Line[], path: string, account = ACCOUNTS[bank]): void {
  const rows: (string | number | null)[][] = [];
  let balance = 100_000_00;
  const money = (l: Line) => {
    balance += credit(l) ? l.amount : -l.amount;
    return { dr: credit(l) ? null : rupees(l.amount), cr: credit(l) ? rupees(l.amount) : null, bal: rupees(balance) };
  };
  if (bank === 'sbi') {
    rows.push(['Account Name       :', 'SUNRISE PUBLIC SCHOOL'], ['Account Number     :', `_000000${account}`], []);
    rows.push(['Txn Date', 'Value Date', 'Description', 'Ref No./Cheque No.', 'Debit', 'Credit', 'Balance']);
    for (const l of lines) {
      const n = narration(bank, l);
      const m = money(l);
      rows.push([sbiDate(l.date), sbiDate(l.date), n.text, n.ref, m.dr, m.cr, m.bal]);
    }
    rows.push([], ['**This is a computer generated statement and does not require a signature.']);
  } else if (bank === 'hdfc') {
    rows.push(['HDFC BANK Ltd.'], ['SUNRISE PUBLIC SCHOOL'], [`Account No :${account}`], []);
    rows.push(['Date', 'Narration', 'Chq./Ref.No.', 'Value Dt', 'Withdrawal Amt.', 'Deposit Amt.', 'Closing Balance']);
    rows.push(Array(7).fill('********'));
    for (const l of lines) {
      const n = narration(bank, l);
      const m = money(l);
      rows.push([slashed(l.date, 2), n.text, n.ref, slashed(l.date, 2), m.dr, m.cr, m.bal]);
    }
    rows.push(Array(7).fill('********'), ['STATEMENT SUMMARY  :-']);
  } else if (bank === 'icici') {
    rows.push([null, 'DETAILED STATEMENT'], [null, `Transactions List - SUNRISE PUBLIC SCHOOL (INR) - ${account}`], []);
    rows.push([
      null,
      'S No.',
      'Value Date',
      'Transaction Date',
      'Cheque Number',
      'Transaction Remarks',
      'Withdrawal Amount (INR )',
      'Deposit Amount (INR )',
      'Balance (INR )',
    ]);
    lines.forEach((l, i) => {
      const n = narration(bank, l);
      const m = money(l);
      rows.push([null, i + 1, slashed(l.date), slashed(l.date), n.ref || '-', n.text, m.dr ?? '0.00', m.cr ?? '0.00', m.bal]);
    });
    rows.push([], [null, 'Legends Used in Account Statement']);
  } else if (bank === 'axis') {
    rows.push(['SUNRISE PUBLIC SCHOOL'], [`Statement of Account No - ${account} for the period (From : 01-04-2026 To : 30-04-2026)`], []);
    rows.push(['Tran Date', 'CHQNO', 'PARTICULARS', 'DR', 'CR', 'BAL', 'SOL']);
    rows.push([null, null, 'OPENING BALANCE', null, null, rupees(balance), null]);
    for (const l of lines) {
      const n = narration(bank, l);
      const m = money(l);
      rows.push([dashed(l.date), n.ref || null, n.text, m.dr, m.cr, m.bal, 4521]);
    }
    rows.push([null, null, 'CLOSING BALANCE', null, null, rupees(balance), null]);
  } else {
    rows.push(['SUNRISE PUBLIC SCHOOL'], ['Account No.', account], []);
    rows.push(['Sl. No.', 'Date', 'Description', 'Chq / Ref No.', 'Amount', 'Dr / Cr', 'Balance', 'Dr / Cr']);
    lines.forEach((l, i) => {
      const n = narration(bank, l);
      const m = money(l);
      rows.push([i + 1, dashed(l.date), n.text, n.ref, rupees(l.amount), credit(l) ? 'CR' : 'DR', m.bal, 'CR']);
    });
    rows.push([], ['**** End of Statement ****']);
  }
  writeFileSync(path, rows.map(csv).join('\n') + '\n');
}
