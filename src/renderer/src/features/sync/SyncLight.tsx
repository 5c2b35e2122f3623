// The header's sync light: online or offline, how many changes wait to go, when the desk last synced.
import { Badge, ColorSwatch, Group, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { SyncStatus } from '../../../../shared/contract/sync';
import { catchingUpText, describeSync, timeOf } from './useSyncStatus';
import { useDates } from '../../components/school';

export function SyncLight({ status, onOpen }: { status: SyncStatus | null; onOpen: () => void }) {
  const dates = useDates();
  if (!status) return null;
  const { colour, label } = describeSync(status);
  const synced = `Sync: ${status.queue} waiting to send, last synced ${timeOf(status.lastSuccessAt, dates)}`;
  const catching = catchingUpText(status, dates.locale);
  const detail = catching ? `${catching} ${synced}` : synced;
  // The accessible name is the words on screen followed by the light's meaning in full.
  return (
    <UnstyledButton onClick={onOpen} title={detail}>
      <Group gap={6}>
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
        <VisuallyHidden>{` — ${detail}. Open the sync page.`}</VisuallyHidden>
      </Group>
    </UnstyledButton>
  );
}
