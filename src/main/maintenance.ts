// Command-line maintenance run by the desk binary instead of opening a window:
//   FeeDesk --reset-admin-password=USERNAME
import { createInterface } from 'node:readline/promises';
import type { App } from './app';
import { AppError } from '../shared/contract/errors';

const RESET_FLAG = '--reset-admin-password=';

export function maintenanceRequest(argv: readonly string[]): { resetUsername: string } | null {
  const flag = argv.find((a) => a.startsWith(RESET_FLAG));
  return flag ? { resetUsername: flag.slice(RESET_FLAG.length) } : null;
}

/** Runs the request and returns the process exit code. */
export async function runMaintenance(
  request: { resetUsername: string },
  app: App,
  needsPassphrase: boolean,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stdout },
): Promise<number> {
  let passphrase: string | undefined;
  if (needsPassphrase) {
    const rl = createInterface({ input: io.input, output: io.output, terminal: false });
    passphrase = await rl.question('Store passphrase: ');
    rl.close();
  }
  try {
    const temporary = await app.resetAdminPassword(request.resetUsername, passphrase);
    io.output.write(`One-time password for ${request.resetUsername}: ${temporary}\nLog in with it and change it under Settings at once.\n`);
    return 0;
  } catch (err) {
    io.output.write(`Password reset refused: ${err instanceof AppError ? err.message : String(err)}\n`);
    return 1;
  }
}
