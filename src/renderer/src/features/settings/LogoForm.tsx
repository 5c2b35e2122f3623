// The school logo printed on receipts (PNG or JPEG, up to 200 KB).
import { Button, FileInput, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function LogoForm() {
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const set = async (file: File | null) => {
    try {
      const { hasLogo } = await request(api().settings.setLogo({ imageBase64: file ? await toBase64(file) : null }));
      setNote({ ok: true, text: hasLogo ? 'Logo saved: it prints on receipts.' : 'Logo removed.' });
    } catch (err) {
      setNote({ ok: false, text: sentence((err as Error).message) });
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>School logo</Title>
        <Group align="flex-end">
          <FileInput
            label="Logo for receipts (PNG or JPEG, up to 200 KB)"
            accept="image/png,image/jpeg"
            clearable
            onChange={(f) => void (f && set(f))}
            style={{ flex: 1 }}
          />
          <Button variant="default" onClick={() => void set(null)}>
            Remove logo
          </Button>
        </Group>
        {note && <Text c={note.ok ? 'teal.9' : 'red.9'}>{note.text}</Text>}
      </Stack>
    </Paper>
  );
}
