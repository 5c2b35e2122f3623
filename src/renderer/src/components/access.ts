// Who may do what, read from the contract's own access rules, so a screen shows a control only to those main lets use it.
import type { Role } from '../../../shared/contract/channel';
import { chargesChannels } from '../../../shared/contract/charges';
import { mastersChannels } from '../../../shared/contract/masters';
import { studentsChannels } from '../../../shared/contract/students';
import { yearsChannels } from '../../../shared/contract/years';

const channels = { ...mastersChannels, ...studentsChannels, ...yearsChannels, ...chargesChannels };

export function mayCall(role: Role, channel: keyof typeof channels): boolean {
  const access = channels[channel].access;
  return access === 'session' || access === 'public' || access.includes(role);
}
