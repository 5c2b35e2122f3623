import { Alert, Button, Group, Text } from '@mantine/core';

export interface FormNote {
  ok: boolean;
  text: string;
}

/** The end of a form: what the last submit said, then the submit button on the right. */
export function FormFooter({ note, submitting, label }: { note: FormNote | null; submitting: boolean; label: string }) {
  return (
    <>
      {note && (note.ok ? <Text c="teal.9">{note.text}</Text> : <Alert color="red">{note.text}</Alert>)}
      <Group justify="flex-end">
        <Button type="submit" loading={submitting}>
          {label}
        </Button>
      </Group>
    </>
  );
}

export const failureNote = (text: string | null): FormNote | null => (text ? { ok: false, text } : null);
