// Amounts in words for receipts: Indian grouping (lakh, crore) for en-IN, international (million, billion) otherwise.
import { minorDigits } from './money';

const ONES = [
  '',
  'One',
  'Two',
  'Three',
  'Four',
  'Five',
  'Six',
  'Seven',
  'Eight',
  'Nine',
  'Ten',
  'Eleven',
  'Twelve',
  'Thirteen',
  'Fourteen',
  'Fifteen',
  'Sixteen',
  'Seventeen',
  'Eighteen',
  'Nineteen',
];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

function belowHundred(n: number): string {
  if (n < 20) return ONES[n]!;
  const tens = TENS[Math.floor(n / 10)]!;
  return n % 10 ? `${tens}-${ONES[n % 10]}` : tens;
}

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  return [hundreds ? `${ONES[hundreds]} Hundred` : '', rest ? belowHundred(rest) : ''].filter(Boolean).join(' ');
}

function indian(n: bigint): string {
  if (n === 0n) return 'Zero';
  const parts: string[] = [];
  const crore = n / 10_000_000n;
  if (crore > 0n) parts.push(`${indian(crore)} Crore`);
  let rest = Number(n % 10_000_000n);
  const lakh = Math.floor(rest / 100_000);
  rest %= 100_000;
  const thousand = Math.floor(rest / 1000);
  rest %= 1000;
  if (lakh) parts.push(`${belowHundred(lakh)} Lakh`);
  if (thousand) parts.push(`${belowHundred(thousand)} Thousand`);
  if (rest) parts.push(belowThousand(rest));
  return parts.join(' ');
}

const SCALES = ['', 'Thousand', 'Million', 'Billion', 'Trillion', 'Quadrillion'];

function international(n: bigint): string {
  if (n === 0n) return 'Zero';
  const parts: string[] = [];
  for (let i = 0; n > 0n; i++, n /= 1000n) {
    const chunk = Number(n % 1000n);
    if (chunk) parts.unshift([belowThousand(chunk), SCALES[i]].filter(Boolean).join(' '));
  }
  return parts.join(' ');
}

const CURRENCY_WORDS: Record<string, [string, string]> = {
  INR: ['Rupees', 'Paise'],
  USD: ['Dollars', 'Cents'],
  KES: ['Shillings', 'Cents'],
  UGX: ['Shillings', 'Cents'],
  TZS: ['Shillings', 'Cents'],
  PHP: ['Pesos', 'Centavos'],
  NGN: ['Naira', 'Kobo'],
  LKR: ['Rupees', 'Cents'],
  NPR: ['Rupees', 'Paisa'],
  PKR: ['Rupees', 'Paisa'],
  BDT: ['Taka', 'Poisha'],
  GBP: ['Pounds', 'Pence'],
  EUR: ['Euros', 'Cents'],
  ZAR: ['Rand', 'Cents'],
  AED: ['Dirhams', 'Fils'],
};

/** "Rupees Twelve Thousand Three Hundred Forty-Five and Fifty Paise Only". */
export function amountInWords(minor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError('amount must be a non-negative whole number of minor units');
  const digits = minorDigits(currency);
  const scale = 10n ** BigInt(digits);
  const major = BigInt(minor) / scale;
  const fraction = Number(BigInt(minor) % scale);
  const words = locale.endsWith('-IN') ? indian : international;
  const [main, sub] = CURRENCY_WORDS[currency] ?? [currency, 'cents'];
  const fractionWords = fraction ? ` and ${belowThousand(fraction)} ${sub}` : '';
  return `${main} ${words(major)}${fractionWords} Only`;
}
