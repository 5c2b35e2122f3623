// A date typed as people type it (24/07/2026, 24-7-26, 24 Jul, today) in the school's order, or picked from a
// calendar; shown back with the month in words so 07/08 is never misread. Holds an ISO date for main.
import { ActionIcon, TextInput } from '@mantine/core';
import { type ReactNode, useRef, useState } from 'react';
import { parseDateInput } from '../../../shared/domain/date-input';
import { useDates } from './school';

interface Props {
  label: string;
  /** ISO date, or '' (or nothing) for none. */
  value?: string;
  onChange: (iso: string) => void;
  error?: ReactNode;
  description?: ReactNode;
  required?: boolean;
  w?: number | string;
  autoFocus?: boolean;
  'data-field'?: string;
  /** The field a dialog focuses when it opens. */
  'data-autofocus'?: boolean;
  /** From a form's getInputProps: passed on. */
  onFocus?: () => void;
  onBlur?: () => void;
}

export function DateField({ label, value = '', onChange, error, description, required, w, autoFocus, onFocus, onBlur, ...rest }: Props) {
  const dates = useDates();
  const [text, setText] = useState(value ? dates.date(value) : '');
  // A value set from outside (a form reset, another field) replaces what is shown; the field's own, or a parent that
  // keeps its last good date while the typing is not a date yet, does not.
  const [previous, setPrevious] = useState(value);
  const [emitted, setEmitted] = useState(value);
  if (value !== previous) {
    setPrevious(value);
    if (value !== emitted) setText(value ? dates.date(value) : '');
  }
  const picker = useRef<HTMLInputElement>(null);
  const parsed = text.trim() ? parseDateInput(text, dates.locale, dates.today()) : null;
  const emit = (iso: string) => {
    setEmitted(iso);
    onChange(iso);
  };
  const weekday = parsed
    ? new Intl.DateTimeFormat(dates.locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${parsed}T00:00:00Z`))
    : null;
  const ownError = text.trim() && !parsed ? 'Not a date: type it as 24/07/2026, 24-7-26 or 24 Jul' : undefined;
  return (
    <>
      <TextInput
        label={label}
        value={text}
        required={required}
        w={w}
        autoFocus={autoFocus}
        data-field={rest['data-field']}
        data-autofocus={rest['data-autofocus']}
        onChange={(e) => {
          const typed = e.currentTarget.value;
          setText(typed);
          emit(typed.trim() ? (parseDateInput(typed, dates.locale, dates.today()) ?? '') : '');
        }}
        onFocus={onFocus}
        onBlur={() => {
          if (parsed) setText(dates.date(parsed));
          onBlur?.();
        }}
        description={parsed ? `${weekday}, ${dates.date(parsed)}` : (description ?? 'e.g. 24/07/2026 or 24 Jul')}
        error={ownError ?? error}
        rightSection={
          <ActionIcon
            variant="subtle"
            color="gray.8"
            aria-label={`Pick ${label.toLowerCase()} from a calendar`}
            onClick={() => picker.current?.showPicker()}
          >
            <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4">
              <rect x="1.5" y="2.5" width="13" height="12" rx="1.5" />
              <path d="M1.5 6.5h13M5 1v3M11 1v3" />
            </svg>
          </ActionIcon>
        }
      />
      <input
        ref={picker}
        type="date"
        tabIndex={-1}
        aria-hidden="true"
        value={parsed ?? ''}
        onChange={(e) => {
          const iso = e.currentTarget.value;
          setText(iso ? dates.date(iso) : '');
          emit(iso);
        }}
        style={{ position: 'absolute', width: 1, height: 1, opacity: 0, pointerEvents: 'none' }}
      />
    </>
  );
}
