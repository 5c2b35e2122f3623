// The IPC contract: every channel, declared once, merged from its area.
import type { z } from 'zod';
import type { ChannelDef } from './channel';
import type { Result } from './errors';
import { auditChannels } from './audit';
import { authChannels } from './auth';
import { settingsChannels } from './settings';
import { setupChannels } from './setup';
import { storeChannels } from './store';
import { usersChannels } from './users';
import { mastersChannels } from './masters';
import { studentsChannels } from './students';
import { structuresChannels } from './structures';
import { concessionsChannels } from './concessions';
import { paymentsChannels } from './payments';
import { receiptsChannels } from './receipts';
import { slipsChannels } from './slips';
import { printingChannels } from './printing';
import { syncChannels } from './sync';
import { reportsChannels } from './reports';
import { importsChannels } from './imports';
import { backupChannels } from './backup';
import { diagnosticsChannels } from './diagnostics';
import { reconcileChannels } from './reconcile';
import { yearsChannels } from './years';
import { chargesChannels } from './charges';
import { refundsChannels } from './refunds';

export const contract = {
  ...storeChannels,
  ...setupChannels,
  ...authChannels,
  ...usersChannels,
  ...settingsChannels,
  ...auditChannels,
  ...mastersChannels,
  ...studentsChannels,
  ...structuresChannels,
  ...concessionsChannels,
  ...paymentsChannels,
  ...receiptsChannels,
  ...slipsChannels,
  ...printingChannels,
  ...syncChannels,
  ...reportsChannels,
  ...importsChannels,
  ...backupChannels,
  ...diagnosticsChannels,
  ...reconcileChannels,
  ...yearsChannels,
  ...chargesChannels,
  ...refundsChannels,
} satisfies Record<string, ChannelDef>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type InputOf<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ParsedInputOf<C extends ChannelName> = z.output<Contract[C]['input']>;
export type OutputOf<C extends ChannelName> = z.output<Contract[C]['output']>;

export const channelNames = Object.keys(contract) as ChannelName[];

/** The one Electron IPC channel every contract call travels on. */
export const IPC_CHANNEL = 'feedesk:invoke';

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

type AreaOf<C> = C extends `${infer A}.${string}` ? A : never;
type MethodOf<C, A extends string> = C extends `${A}.${infer M}` ? M : never;

type ChannelCall<C extends ChannelName> =
  undefined extends InputOf<C> ? (input?: InputOf<C>) => Promise<Result<OutputOf<C>>> : (input: InputOf<C>) => Promise<Result<OutputOf<C>>>;

/** window.api: one function per channel, grouped by area (`api.auth.login(input)`). */
export type Api = {
  [A in AreaOf<ChannelName>]: { [M in MethodOf<ChannelName, A>]: ChannelCall<`${A}.${M}` & ChannelName> };
};

export type Transport = (channel: ChannelName, input: unknown) => Promise<Result<unknown>>;

/**
 * Builds window.api from the channel list and one transport. The preload passes
 * ipcRenderer.invoke; browser mode's web-api.js (src/preload/web.ts) passes a POST to its loopback server.
 */
export function buildApi(names: readonly string[], transport: (channel: string, input: unknown) => Promise<unknown>): Api {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of names) {
    const [area, method] = name.split('.') as [string, string];
    api[area] ??= {};
    api[area][method] = (input?: unknown) => transport(name, input);
  }
  return api as unknown as Api;
}

export * from './channel';
export * from './errors';
