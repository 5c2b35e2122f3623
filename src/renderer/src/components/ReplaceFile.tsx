// Saving over a file that is there already: main refuses unless the screen asked first. This is the asking.
import { Alert, Button, Group, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { ApiError } from '../api/client';

/** main's answer when the file is there and the user has not said to replace it. */
export const isFileInTheWay = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 'conflict' && e.field === 'path';

const split = (path: string) => {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { folder: path.slice(0, Math.max(at, 0)) || path.slice(0, 1), name: path.slice(at + 1) };
};

/**
 * "<name> already exists in <folder>. Replace it?" Keeping it is the default (Enter, Escape): a report must never wipe
 * the accountant's own working by accident.
 */
export function ReplaceFilePrompt({
  path,
  onReplace,
  onKeep,
  keepLabel = 'Keep it',
}: {
  path: string;
  onReplace: () => void;
  onKeep: () => void;
  keepLabel?: string;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  const { folder, name } = split(path);
  return (
    <Alert color="red.9" role="alertdialog" title={`${name} already exists`} onKeyDown={(e) => e.key === 'Escape' && onKeep()}>
      <Text size="sm">
        A file named {name} is already in {folder}. Replacing it loses what it holds now.
      </Text>
      <Group mt="xs">
        <Button ref={keep} variant="default" onClick={onKeep}>
          {keepLabel}
        </Button>
        <Button color="red.9" onClick={onReplace}>
          Replace it
        </Button>
      </Group>
    </Alert>
  );
}
