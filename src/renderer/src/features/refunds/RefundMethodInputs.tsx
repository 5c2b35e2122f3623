// How the money goes back: cash, the school's cheque (number, bank, date), a bank transfer or UPI, with its reference.
import { NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { PAYMENT_MODE_LABELS } from '../../../../shared/contract/payments';
import { REFUND_MODES } from '../../../../shared/contract/refunds';
import { DateField } from '../../components/DateField';
import { DATE_REFERENCES, REFERENCES } from '../payments/PaymentForm';
import type { RefundMode } from './refund-draft';

interface Props {
  mode: RefundMode;
  refs: Record<string, string>;
  errors: Record<string, string>;
  onMode: (mode: RefundMode) => void;
  onRefs: (refs: Record<string, string>) => void;
}

export function RefundMethodInputs({ mode, refs, errors, onMode, onRefs }: Props) {
  return (
    <SimpleGrid cols={4}>
      <NativeSelect
        label="Paid back by"
        value={mode}
        onChange={(e) => onMode(e.currentTarget.value as RefundMode)}
        data={REFUND_MODES.map((m) => ({ value: m, label: PAYMENT_MODE_LABELS[m] }))}
        error={errors['method']}
      />
      {REFERENCES[mode].map(([field, label]) =>
        DATE_REFERENCES.includes(field) ? (
          <DateField
            key={field}
            label={label}
            value={refs[field] ?? ''}
            onChange={(iso) => onRefs({ ...refs, [field]: iso })}
            error={errors[`method.${field}`]}
          />
        ) : (
          <TextInput
            key={field}
            label={label}
            value={refs[field] ?? ''}
            onChange={(e) => onRefs({ ...refs, [field]: e.currentTarget.value })}
            error={errors[`method.${field}`]}
          />
        ),
      )}
    </SimpleGrid>
  );
}
