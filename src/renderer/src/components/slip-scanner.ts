// A keyboard-wedge scanner types a fee slip's token as a burst of keys ending in Enter, far faster than a
// person. Wherever focus is, such a burst that spells a slip token opens that student.
import { useEffect } from 'react';
import { studentIdFromToken } from '../../../shared/domain/slip-token';

const MAX_GAP_MS = 50;

export function useSlipScanner(onToken: (token: string) => void): void {
  useEffect(() => {
    let buffer = '';
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      const now = performance.now();
      if (now - last > MAX_GAP_MS) buffer = '';
      last = now;
      if (e.key === 'Enter') {
        if (studentIdFromToken(buffer)) {
          e.preventDefault();
          e.stopPropagation();
          const token = buffer;
          // The burst also landed in whatever field had focus: take it back out.
          const field = document.activeElement;
          if (field instanceof HTMLInputElement && field.value.endsWith(token)) {
            const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
            setter?.call(field, field.value.slice(0, -token.length));
            field.dispatchEvent(new Event('input', { bubbles: true }));
          }
          onToken(token);
        }
        buffer = '';
      } else if (e.key.length === 1) {
        buffer += e.key;
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onToken]);
}
