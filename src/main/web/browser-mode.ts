// Browser mode around a running backend: serve it on the loopback interface, say where (the one time the launch secret
// is printed), open the user's browser where there is a display. Both shells call it: plain Node (web/main.ts, what
// `npm start` falls back to) and the desktop binary started with --browser.
import { spawn } from 'node:child_process';
import type { App } from '../app';
import type { PrintJob } from '../print/printer';
import { browserOpener, hasDisplay } from './desktop-env';
import { startWebShell, type WebShell } from './server';

export interface BrowserModeArgs {
  demo: boolean;
  /** 0: a free port. */
  port: number;
  open: boolean;
  /** --user-data-dir=DIR, as the desktop binary takes it. */
  userDataDir: string | null;
}

/** Reads the command line; a malformed value is an error in the user's words. */
export function browserModeArgs(argv: readonly string[]): BrowserModeArgs {
  const value = (flag: string) => argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? null;
  const port = value('--port');
  const portNumber = port === null ? 0 : /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (port !== null && !(portNumber >= 1 && portNumber <= 65535)) throw new Error(`--port must be a port number (1–65535), not "${port}"`);
  return { demo: argv.includes('--demo'), port: portNumber, open: !argv.includes('--no-open'), userDataDir: value('--user-data-dir') };
}

export interface BrowserModeOptions {
  app: App;
  rendererDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** false: print the address only (--no-open, or tests). */
  open: boolean;
  say: (line: string) => void;
  warn: (line: string) => void;
}

/** The printer needs the shell to hand a job to the browser, and the shell is started after the backend. */
export function browserPrintHandoff(): { toBrowser: (job: PrintJob) => boolean; attach(shell: WebShell): void } {
  let shell: WebShell | null = null;
  return {
    toBrowser: (job) => shell?.printInBrowser(job) ?? false,
    attach: (s) => void (shell = s),
  };
}

export async function serveInBrowser(options: BrowserModeOptions): Promise<WebShell> {
  const shell = await startWebShell({
    invoke: (channel, input, clientId) => options.app.invoke(channel, input, clientId),
    rendererDir: options.rendererDir,
    ...(options.port ? { port: options.port } : {}),
    warn: options.warn,
  });
  options.app.servingAt(`${shell.origin}/`);
  // The only place the secret is ever written: whoever can read this terminal may use this FeeDesk.
  options.say(`FeeDesk is running in your browser at ${shell.openingAddress}`);
  options.say('Keep this terminal open while you work; Ctrl+C stops FeeDesk.');
  const machine = { platform: process.platform, env: process.env };
  if (options.open && hasDisplay(machine)) openBrowser(shell.openingAddress, options.warn);
  return shell;
}

export function openBrowser(address: string, warn: (line: string) => void): void {
  const { command, args, verbatim } = browserOpener(process.platform, address);
  // Its output is not ours to print: an opener that fails may echo the address, secret and all.
  const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: verbatim });
  child.on('error', () => warn(`Could not open a browser (${command}): open the address above in one.`));
  child.unref();
}
