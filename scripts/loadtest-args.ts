// What `npm run loadtest` was asked to do: pure, so it is tested as such.
import { parseArgs } from 'node:util';

export interface LoadOptions {
  schools: number;
  desks: number;
  /** Per desk. */
  payments: number;
  /** Server processes started on one PostgreSQL; none when `url` names a running server. */
  instances: number;
  url: string | null;
  /**
   * Payments a second offered in all (each desk starting a round of 50 at its share of that pace, as desks on a sync
   * interval do), or null: every desk starts its next round as soon as the last is answered (the server's most).
   */
  rate: number | null;
}

export const LOADTEST_USAGE =
  'usage: npm run loadtest -- [--schools 10] [--desks 2] [--payments 200] [--instances 1] [--rate 1500] [--url https://sync.example.org]';

const LIMITS = { schools: 10_000, desks: 999, payments: 100_000, instances: 32, rate: 1_000_000 } as const;

function whole(name: keyof typeof LIMITS, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > LIMITS[name])
    throw new Error(`--${name} must be a whole number from 1 to ${LIMITS[name]} (it is '${text}')\n${LOADTEST_USAGE}`);
  return n;
}

export function parseLoadArgs(argv: readonly string[]): LoadOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        schools: { type: 'string' },
        desks: { type: 'string' },
        payments: { type: 'string' },
        instances: { type: 'string' },
        rate: { type: 'string' },
        url: { type: 'string' },
      },
    });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${LOADTEST_USAGE}`);
  }
  const v = parsed.values;
  let url: string | null = null;
  if (v.url !== undefined) {
    if (v.instances !== undefined)
      throw new Error(`--instances starts servers of its own; with --url the server is already running\n${LOADTEST_USAGE}`);
    let u: URL;
    try {
      u = new URL(v.url);
    } catch {
      throw new Error(`--url must be the sync server's address, such as https://sync.example.org (it is '${v.url}')`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--url must start with http:// or https:// (it is '${v.url}')`);
    url = u.toString().replace(/\/+$/, '');
  }
  return {
    schools: whole('schools', v.schools, 10),
    desks: whole('desks', v.desks, 2),
    payments: whole('payments', v.payments, 200),
    instances: url ? 0 : whole('instances', v.instances, 1),
    url,
    rate: v.rate === undefined ? null : whole('rate', v.rate, 0),
  };
}
