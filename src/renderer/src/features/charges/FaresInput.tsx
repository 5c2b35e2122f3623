// A plan's or a stop's fare: one amount for every installment (the usual case), or one typed for each installment.
import { Checkbox, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import type { FaresDraft, InstallmentDraft } from './plan-draft';

interface Props {
  /** Whose fare it is, for the labels of the boxes ("Fare", "Main gate: fare for Oct"). */
  of: string;
  fares: FaresDraft;
  installments: InstallmentDraft[];
  onChange: (fares: FaresDraft) => void;
  error?: string | undefined;
}

const nameOf = (inst: InstallmentDraft | undefined, i: number) => inst?.label.trim() || `installment ${i + 1}`;

export function FaresInput({ of, fares, installments, onChange, error }: Props) {
  const toggle = (same: boolean) =>
    onChange(same ? { ...fares, same } : { ...fares, same, each: installments.map((_, i) => fares.each[i] ?? fares.one) });
  return (
    <Stack gap={4}>
      <Group align="flex-start" gap="sm">
        {fares.same && (
          <TextInput
            label="Fare"
            aria-label={`${of}: fare`}
            value={fares.one}
            onChange={(e) => onChange({ ...fares, one: e.currentTarget.value })}
            error={error}
            inputMode="decimal"
            w={150}
          />
        )}
        <Checkbox
          mt={fares.same ? 30 : 0}
          label="Same fare every installment"
          aria-label={`${of}: same fare every installment`}
          checked={fares.same}
          onChange={(e) => toggle(e.currentTarget.checked)}
        />
      </Group>
      {!fares.same &&
        (installments.length === 0 ? (
          <Text size="sm">Add the installments first: a fare goes with each.</Text>
        ) : (
          <>
            <SimpleGrid cols={6} spacing="xs" verticalSpacing={4}>
              {installments.map((inst, i) => (
                <TextInput
                  key={i}
                  size="xs"
                  label={nameOf(inst, i)}
                  aria-label={`${of}: fare for ${nameOf(inst, i)}`}
                  value={fares.each[i] ?? ''}
                  onChange={(e) => {
                    const typed = e.currentTarget.value;
                    onChange({ ...fares, each: installments.map((_, j) => (j === i ? typed : (fares.each[j] ?? ''))) });
                  }}
                  inputMode="decimal"
                />
              ))}
            </SimpleGrid>
            {error && (
              <Text c="red.9" size="sm" role="alert">
                {error}
              </Text>
            )}
          </>
        ))}
    </Stack>
  );
}
