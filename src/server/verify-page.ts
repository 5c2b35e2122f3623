// The public receipt check a phone camera opens from the receipt QR: valid or not, and the receipt's own facts only.
import { verifyWith } from '../node-shared/receipt-keys';
import { unpackPayload } from '../node-shared/receipt-qr';
import type { ServerStore } from './db/schema';

export interface VerifyVerdict {
  state: 'valid' | 'cancelled' | 'bounced' | 'invalid' | 'not_synced' | 'mismatch';
  headline: string;
  detail: string;
  facts: [string, string][];
}

export async function verifyReceipt(db: ServerStore, payload: string): Promise<VerifyVerdict> {
  const invalid = (detail: string): VerifyVerdict => ({ state: 'invalid', headline: 'Not a valid receipt', detail, facts: [] });
  const unpacked = unpackPayload(payload);
  if (!unpacked.ok) return invalid(unpacked.message);
  const { claims, signed, signature } = unpacked;
  const key = await db
    .selectFrom('desk_key as k')
    .innerJoin('school as s', 's.id', 'k.school_id')
    .select(['k.public_key', 'k.desk_code', 's.id as school_id', 's.name as school_name'])
    .where('k.key_id', '=', claims.keyId)
    .executeTakeFirst();
  // The key decides the school: it was published by a desk enrolled there. (The code's school bytes are that
  // desk's local school id, which the server does not share.)
  if (!key) return invalid('it was not signed by any desk this server knows');
  if (!verifyWith(claims.keyId, key.public_key, signed, signature))
    return invalid('the signature does not match: the code was altered or forged');
  const amount = (claims.amount / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const facts: [string, string][] = [
    ['School', key.school_name],
    ['Receipt no.', claims.receiptNo],
    ['Date', claims.date],
    ['Amount', amount],
  ];
  // A signature proves only that some desk of the school signed these bytes. The books decide: the receipt number must
  // have been issued by the desk whose key signed it, for the amount and on the date the code carries.
  const payment = await db
    .selectFrom('payment as p')
    .innerJoin('desk as d', 'd.id', 'p.desk_id')
    .select(['p.status', 'p.amount', 'p.business_date', 'd.code as desk_code'])
    .where('p.school_id', '=', key.school_id)
    .where('p.receipt_no', '=', claims.receiptNo)
    .executeTakeFirst();
  if (!payment) {
    return {
      state: 'not_synced',
      headline: 'Genuine receipt',
      detail: `signed by desk ${key.desk_code}; the desk has not synced it to the school's server yet`,
      facts: [...facts, ['Status', 'not yet synced']],
    };
  }
  const differences = [
    ...(payment.desk_code === key.desk_code
      ? []
      : [`receipt ${claims.receiptNo} was issued by another desk than the one that signed this code`]),
    ...(Number(payment.amount) === claims.amount ? [] : ['the amount is not the amount in the books']),
    ...(payment.business_date === claims.date ? [] : ['the date is not the date in the books']),
  ];
  if (differences.length > 0) {
    return {
      state: 'mismatch',
      headline: "Receipt does not match the school's books",
      detail: `${differences.join('; ')}: this code is not proof of payment. Ask the school's office.`,
      facts: [...facts, ['Status', 'does not match the books']],
    };
  }
  if (payment.status !== 'valid') {
    return {
      state: payment.status,
      headline: `Receipt ${payment.status}`,
      detail: `this receipt is genuine but was ${payment.status}: it is not proof of payment`,
      facts: [...facts, ['Status', payment.status]],
    };
  }
  return {
    state: 'valid',
    headline: 'Valid receipt',
    detail: `genuine, signed by desk ${key.desk_code}`,
    facts: [...facts, ['Status', 'paid']],
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const colours: Record<VerifyVerdict['state'], string> = {
  valid: '#1b5e20',
  not_synced: '#1b5e20',
  cancelled: '#b71c1c',
  bounced: '#b71c1c',
  invalid: '#b71c1c',
  mismatch: '#b71c1c',
};

export function verifyPageHtml(v: VerifyVerdict): string {
  const rows = v.facts.map(([k, val]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(val)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(v.headline)} – FeeDesk receipt check</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;max-width:28rem;color:#1a1a1a}
h1{font-size:1.6rem;margin:0 0 .5rem;color:${colours[v.state]}}p{margin:0 0 1rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem 0;border-bottom:1px solid #ddd}th{font-weight:600;width:40%}</style></head>
<body><main><h1 data-state="${v.state}">${escape(v.headline)}</h1><p>${escape(v.detail)}</p>${rows ? `<table>${rows}</table>` : ''}</main></body></html>`;
}
