// The desk's sync status, refreshed every few seconds while the app is open.
import { useCallback, useEffect, useState } from 'react';
import type { SyncStatus } from '../../../../shared/contract/sync';
import { api, request } from '../../api/client';
import type { Dates } from '../../components/school';

const REFRESH_MS = 5_000;

export function useSyncStatus(): { status: SyncStatus | null; refresh: () => void; setStatus: (s: SyncStatus) => void } {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const refresh = useCallback(() => {
    // Only a change re-renders the shell (and the screen under it).
    request(api().sync.status()).then(
      (next) => setStatus((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next)),
      () => {},
    );
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return { status, refresh, setStatus };
}

/** The light's words: what a cashier needs to know at a glance. */
export function describeSync(s: SyncStatus): { colour: string; label: string } {
  if (!s.enrolled) return { colour: 'gray.7', label: 'Sync not set up' };
  if (!s.enabled) return { colour: 'gray.7', label: 'Sync off' };
  if (s.online === false) return { colour: 'red.9', label: 'Offline' };
  if (s.catchingUp) return { colour: 'yellow.9', label: s.catchingUp.fromStart ? 'Setting up' : 'Catching up' };
  if (s.online === null) return { colour: 'yellow.9', label: 'Connecting' };
  return { colour: 'teal.9', label: 'Online' };
}

/** What a pull bringing many changes means for the cashier (null when none runs). */
export function catchingUpText(s: SyncStatus, locale: string): string | null {
  if (!s.catchingUp) return null;
  const so = `${s.catchingUp.pulled.toLocaleString(locale)} changes in so far`;
  return s.catchingUp.fromStart
    ? `Setting up: you can collect now; history still arriving (${so}). Payments taken at other desks may not show yet.`
    : `Catching up with the other desks (${so}). Payments taken at other desks may not show yet.`;
}

/** An instant in the school's zone (`dates` from useDates), or 'never'. */
export const timeOf = (iso: string | null, dates: Pick<Dates, 'dateTime'>) => (iso ? dates.dateTime(iso) : 'never');
