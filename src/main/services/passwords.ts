// Password hashes: scrypt with a per-password salt, stored with their cost so it can be raised later.
import { AppError } from '../../shared/contract/errors';
import { passwordProblem } from '../../shared/domain/password-policy';
import { deriveKey, newSalt, sameBytes, type ScryptCost } from '../kdf';

const PREFIX = 'scrypt';

export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
  const salt = newSalt();
  const hash = await deriveKey(password, salt, cost);
  return [PREFIX, cost.logN, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, logN, r, p, salt, hash] = stored.split('$');
  if (prefix !== PREFIX || !salt || !hash) throw new Error('stored password hash has an unknown format');
  const expected = Buffer.from(hash, 'base64');
  const cost = { logN: Number(logN), r: Number(r), p: Number(p) };
  const actual = await deriveKey(password, Buffer.from(salt, 'base64'), cost, expected.length);
  return sameBytes(actual, expected);
}

/** Spends the same time as a real check, so an unknown username cannot be told apart by timing. */
export async function verifyNothing(password: string, cost: ScryptCost): Promise<false> {
  await deriveKey(password, newSalt(), cost);
  return false;
}

export function assertPasswordPolicy(password: string, username: string, field: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new AppError('weak_password', `${field} ${problem}`, field);
}
