// Puts an ApiError on the form field it names, or returns it as a message for the whole form.
import { ApiError } from './client';

interface FieldErrorTarget {
  setFieldError(path: string, error: string): void;
  values: object;
}

/** Returns a message for an alert when the error names no field of this form. */
export function showApiError(form: FieldErrorTarget, err: unknown, fieldMap: Record<string, string> = {}): string | null {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const field = err.field ? (fieldMap[err.field] ?? err.field) : undefined;
  if (field && hasPath(form.values, field)) {
    form.setFieldError(field, sentence(err.message.startsWith(`${err.field} `) ? err.message.slice(err.field!.length + 1) : err.message));
    return null;
  }
  return sentence(err.message);
}

function hasPath(values: object, path: string): boolean {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** The message without the field path main puts first ("method.utr must be …" → "Must be …"), for under that field. */
export function messageForField(err: { message: string; field?: string | undefined }): string {
  return sentence(err.field && err.message.startsWith(`${err.field} `) ? err.message.slice(err.field.length + 1) : err.message);
}

/** The message with the field named as the screen labels it ("UPI reference (UTR) must be …"), for a message apart. */
export function messageNamingField(err: { message: string; field?: string | undefined }, labels: Readonly<Record<string, string>>): string {
  const label = err.field ? labels[err.field] : undefined;
  return label ? `${label} ${messageForField(err).replace(/^./, (c) => c.toLowerCase())}` : sentence(err.message);
}

export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
