// Transport's stops: the route each is on, its name, and its fare (the same every installment, or one for each).
import { Button, CloseButton, Fieldset, Group, Stack, Text, TextInput } from '@mantine/core';
import { FaresInput } from './FaresInput';
import { newStop, type InstallmentDraft, type StopDraft } from './plan-draft';

interface Props {
  stops: StopDraft[];
  installments: InstallmentDraft[];
  onChange: (stops: StopDraft[]) => void;
  errors: Record<string, string>;
}

export function StopsInput({ stops, installments, onChange, errors }: Props) {
  const set = (i: number, change: Partial<StopDraft>) => onChange(stops.map((s, j) => (j === i ? { ...s, ...change } : s)));
  return (
    <Fieldset legend={`Stops (${stops.length}), by route`}>
      <Stack gap="xs">
        {stops.map((stop, i) => (
          <Fieldset key={stop.key} legend={`Stop ${i + 1}`} variant="filled" p="xs">
            <Group align="flex-start" gap="sm">
              <TextInput
                label="Route"
                value={stop.route}
                onChange={(e) => set(i, { route: e.currentTarget.value })}
                error={errors[`stops.${i}.route`]}
                placeholder="Route 1"
                w={150}
              />
              <TextInput
                label="Stop"
                value={stop.name}
                onChange={(e) => set(i, { name: e.currentTarget.value })}
                error={errors[`stops.${i}.name`]}
                placeholder="Main gate"
                w={200}
              />
              <FaresInput
                of={stop.name.trim() || `Stop ${i + 1}`}
                fares={stop.fares}
                installments={installments}
                onChange={(fares) => set(i, { fares })}
                error={errors[`stops.${i}.fares`]}
              />
              {stops.length > 1 && (
                <CloseButton
                  mt={28}
                  ml="auto"
                  aria-label={`Remove stop ${i + 1}`}
                  onClick={() => onChange(stops.filter((_, j) => j !== i))}
                />
              )}
            </Group>
          </Fieldset>
        ))}
        <Group>
          <Button variant="default" size="xs" onClick={() => onChange([...stops, newStop(stops.at(-1)?.route ?? '')])}>
            Add a stop
          </Button>
          <Text size="sm">A new stop starts on the route of the one above it.</Text>
        </Group>
        {errors['stops'] && (
          <Text c="red.9" size="sm" role="alert">
            {errors['stops']}
          </Text>
        )}
      </Stack>
    </Fieldset>
  );
}
