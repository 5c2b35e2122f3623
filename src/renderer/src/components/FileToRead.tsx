// A spreadsheet for the desk to read (an import, a bank statement): its full path typed, or chosen with Browse….
import { Button, Group, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { api, request } from '../api/client';

interface Props {
  label: string;
  placeholder?: string;
  path: string;
  onPathChange: (path: string) => void;
  /** Enter on a typed path, or a file just chosen: read it. */
  onRead: (path: string) => void;
  /** A message of an earlier try goes (null) when Browse opens; the dialog's own failure comes as an Error. */
  onError: (error: Error | null) => void;
  /** What follows Browse… on the row (the screen's Read button). */
  children?: ReactNode;
}

/** Browse: the system's Open dialog (desktop) or the browser's file picker, whose file the tab sends to the desk. */
export function FileToRead({ label, placeholder, path, onPathChange, onRead, onError, children }: Props) {
  const browse = () => {
    onError(null);
    request(api().imports.chooseFile()).then(({ path: chosen }) => {
      if (!chosen) return;
      onPathChange(chosen);
      onRead(chosen);
    }, onError);
  };
  return (
    <Group align="flex-end">
      <TextInput
        label={label}
        placeholder={placeholder}
        value={path}
        onChange={(e) => onPathChange(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && path && onRead(path)}
        style={{ flex: 1 }}
      />
      <Button variant="default" onClick={browse}>
        Browse…
      </Button>
      {children}
    </Group>
  );
}
