// The header's sync light: online or offline, how many changes wait to go, when the desk last synced.
import { Badge, ColorSwatch, Group, Text, UnstyledButton } from '@mantine/core';
import type { SyncStatus } from '../../../../shared/contract/sync';
import { describeSync, timeOf } from './useSyncStatus';

export function SyncLight({ status, onOpen }: { status: SyncStatus | null; onOpen: () => void }) {
  if (!status) return null;
  const { colour, label } = describeSync(status);
  const detail = `${label}; ${status.queue} waiting to send; last synced ${timeOf(status.lastSuccessAt)}`;
  return (
    <UnstyledButton onClick={onOpen} aria-label={`Sync: ${detail}. Open the sync page`} title={detail}>
      <Group gap={6} role="status">
        <ColorSwatch color={`var(--mantine-color-${colour.replace('.', '-')})`} size={12} aria-hidden />
        <Text size="sm">{label}</Text>
        {status.queue > 0 && (
          <Badge size="sm" variant="outline" color="dark">
            {status.queue} to send
          </Badge>
        )}
        {status.resync && (
          <Badge size="sm" color="red.9">
            Resynced
          </Badge>
        )}
      </Group>
    </UnstyledButton>
  );
}
