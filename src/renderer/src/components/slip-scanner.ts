// A keyboard-wedge scanner types a fee slip's token as a burst of keys ending in Enter, far faster than a
// person. Wherever focus is, such a burst that spells a slip token opens that student.
import { useEffect } from 'react';
import { studentIdFromToken } from '../../../shared/domain/slip-token';

/** A scanner sends a key every few milliseconds; the fastest typists manage one in 60 or more. */
const MAX_AVERAGE_GAP_MS = 40;
/** A pause this long starts a new burst (one late key must not break a scan, a pause does). */
const MAX_PAUSE_MS = 400;
/** FDS1- and a UUID. */
const TOKEN_LENGTH = 41;

export function useSlipScanner(onToken: (token: string) => void): void {
  useEffect(() => {
    let keys: { key: string; at: number }[] = [];
    const onKey = (e: KeyboardEvent) => {
      // When the key arrived, not when this handler ran: a busy moment in the app must not split a burst.
      const now = e.timeStamp;
      if (keys.length > 0 && now - keys.at(-1)!.at > MAX_PAUSE_MS) keys = [];
      if (e.key === 'Enter') {
        const burst = keys.slice(-TOKEN_LENGTH);
        const token = burst.map((k) => k.key).join('');
        const fast = burst.length === TOKEN_LENGTH && (now - burst[0]!.at) / TOKEN_LENGTH <= MAX_AVERAGE_GAP_MS;
        keys = [];
        if (!fast || !studentIdFromToken(token)) return;
        e.preventDefault();
        e.stopPropagation();
        // The burst also landed in whatever field had focus: take it back out.
        const field = document.activeElement;
        if (field instanceof HTMLInputElement && field.value.endsWith(token)) {
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
          setter?.call(field, field.value.slice(0, -token.length));
          field.dispatchEvent(new Event('input', { bubbles: true }));
        }
        onToken(token);
      } else if (e.key.length === 1) {
        keys.push({ key: e.key, at: now });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onToken]);
}
