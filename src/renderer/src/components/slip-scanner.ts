// A keyboard-wedge scanner types a fee slip's token (FDS1- and the student's id) as keys ending in Enter. Wherever
// focus is, such a token opens that student. It is known by its shape, whatever the pace: Bluetooth and "slow mode"
// scanners send a key every 35–60 ms or more, as fast as a quick typist. Something that starts like a token but is
// not a whole one (a half-read slip) is reported instead of being left as a search.
import { useEffect, useEffectEvent } from 'react';
import { studentIdFromToken } from '../../../shared/domain/slip-token';

/** A pause this long starts afresh (a scanner never pauses inside a token; a person does). */
const MAX_PAUSE_MS = 1_000;
/** FDS1- and a UUID. */
const TOKEN_LENGTH = 41;
const PREFIX = 'FDS1-';

export type ScanOutcome = { kind: 'token'; token: string } | { kind: 'half-read'; text: string };

/** What the keys typed before an Enter were: a slip token, something that began like one, or neither (null). */
export function readScan(typed: string): ScanOutcome | null {
  const at = typed.toUpperCase().lastIndexOf(PREFIX);
  if (at < 0) return null;
  const text = typed.slice(at);
  if (studentIdFromToken(text)) return { kind: 'token', token: text };
  // "FDS1-" and a few characters more: a token cut short or garbled by the scanner.
  return text.length > PREFIX.length ? { kind: 'half-read', text } : null;
}

/** Takes what the scanner typed back out of the field it landed in (the search box, usually). */
function removeFromField(text: string): void {
  const field = document.activeElement;
  if (!(field instanceof HTMLInputElement) || !field.value.endsWith(text)) return;
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(field, field.value.slice(0, -text.length));
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

export function useSlipScanner(onToken: (token: string) => void, onHalfRead: (text: string) => void): void {
  const found = useEffectEvent(onToken);
  const halfRead = useEffectEvent(onHalfRead);
  useEffect(() => {
    let keys: { key: string; at: number }[] = [];
    const onKey = (e: KeyboardEvent) => {
      // When the key arrived, not when this handler ran: a busy moment in the app must not split a scan.
      const now = e.timeStamp;
      if (keys.length > 0 && now - keys.at(-1)!.at > MAX_PAUSE_MS) keys = [];
      if (e.key !== 'Enter') {
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) keys.push({ key: e.key, at: now });
        if (keys.length > 200) keys = keys.slice(-TOKEN_LENGTH * 2);
        return;
      }
      const outcome = readScan(keys.map((k) => k.key).join(''));
      keys = [];
      if (!outcome) return;
      e.preventDefault();
      e.stopPropagation();
      if (outcome.kind === 'token') {
        removeFromField(outcome.token);
        found(outcome.token);
      } else {
        removeFromField(outcome.text);
        halfRead(outcome.text);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
