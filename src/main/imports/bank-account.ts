// Reads which account a statement is of from the details the banks print above its table, so a statement can be told
// apart from one of the school's other accounts.

/**
 * "Account Number", "Account No.", "A/C No", "Acct No": the label, then a colon, dash or nothing before the number; or
 * ICICI's title line, "Transactions List - <account holder> (INR) - <number>".
 */
const ACCOUNT_LABEL = /\b(?:account|acct|a\/c|ac)\.?\s*(?:number|num|no)\b\.?[\s:.#_-]*|\btransactions list\b.*\([A-Z]{3}\s*\)\s*-\s*/i;
/** The number, masked or not (SBI writes it "_00000012345678901", some banks "XXXXXXXX5678"). */
const ACCOUNT_NUMBER = /^[0-9Xx*]{6,}/;

/**
 * The account number a row of a statement's details names, as digits without the zeros it is padded with (SBI pads its
 * eleven digits to seventeen); null when the row names none, or only a masked one, which could be any account.
 */
export function accountNumberIn(texts: string[]): string | null {
  const line = texts.filter((text) => text !== '').join(' ');
  const label = ACCOUNT_LABEL.exec(line);
  if (!label) return null;
  const number = ACCOUNT_NUMBER.exec(line.slice(label.index + label[0].length))?.[0];
  if (number === undefined || !/^\d+$/.test(number)) return null;
  return number.replace(/^0+(?=\d)/, '');
}
