// Amount, mode and the references the mode needs; F2 saves. Cash shows the change to return.
import { Alert, Button, Group, Kbd, NativeSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { messageForField, messageNamingField } from '../../api/form-errors';
import { PAYMENT_MODE_LABELS, PAYMENT_MODES, type PaymentMethod, type PaymentMode } from '../../../../shared/contract/payments';
import type { MoneyFormat } from '../../components/money';
import { quickTenders } from '../../../../shared/domain/denominations';
import { DateField } from '../../components/DateField';
import { type UpiRequest, UpiQrModal } from './UpiQrModal';

/** The reference fields each mode asks for, as [field, label]. */
export const REFERENCES: Record<PaymentMode, [string, string][]> = {
  cash: [],
  upi: [['utr', 'UPI reference (UTR)']],
  card: [
    ['last4', 'Card last 4 digits'],
    ['authCode', 'Authorisation code'],
  ],
  cheque: [
    ['chequeNo', 'Cheque number'],
    ['bank', 'Bank'],
    ['chequeDate', 'Cheque date'],
  ],
  dd: [
    ['ddNo', 'Demand draft number'],
    ['bank', 'Bank'],
    ['ddDate', 'DD date'],
  ],
  bank_transfer: [['reference', 'Bank reference (UTR/NEFT)']],
  online: [
    ['gateway', 'Gateway'],
    ['reference', 'Gateway reference'],
  ],
};

export const DATE_REFERENCES = ['chequeDate', 'ddDate'];

export interface PaymentDraft {
  amount: number;
  method: PaymentMethod;
}

interface Props {
  suggested: number;
  /** The school's notes and coins (quick tender: exact, or the next round sum). */
  denominations: readonly number[];
  money: MoneyFormat;
  saving: boolean;
  error: { message: string; field?: string | undefined } | null;
  onSave: (draft: PaymentDraft) => void;
  /** Shows a UPI QR for the amount (the school's UPI payee, a reference of its own); null while UPI is not set up. */
  requestUpi: ((amount: number) => Promise<UpiRequest>) | null;
}

export function PaymentForm({ suggested, denominations, money, saving, error, onSave, requestUpi }: Props) {
  const [amountText, setAmountText] = useState<string | null>(null);
  const [mode, setMode] = useState<PaymentMode>('cash');
  const [refs, setRefs] = useState<Record<string, string>>({});
  const [tenderedText, setTenderedText] = useState('');
  const [localError, setLocalError] = useState<{ field: string; message: string } | null>(null);
  /** The UPI QR shown for this payment: its reference is saved with it, while the amount stays what the QR asks. */
  const [upiShown, setUpiShown] = useState<UpiRequest | null>(null);
  const [upiOpen, setUpiOpen] = useState(false);

  const amountValue = amountText ?? (suggested > 0 ? money.format(suggested) : '');
  const amount = money.parse(amountValue);
  const tendered = tenderedText.trim() ? money.parse(tenderedText) : null;
  const change = mode === 'cash' && amount !== null && tendered !== null && tendered >= amount ? tendered - amount : null;
  const upiRef = mode === 'upi' && upiShown && upiShown.amount === amount ? upiShown.reference : null;

  const save = () => {
    if (amount === null || amount <= 0) return setLocalError({ field: 'amount', message: 'Enter an amount more than zero' });
    if (mode === 'cash' && tenderedText.trim() && tendered === null)
      return setLocalError({ field: 'method.tendered', message: 'Enter the cash tendered as an amount' });
    setLocalError(null);
    const references = Object.fromEntries(REFERENCES[mode].map(([field]) => [field, (refs[field] ?? '').trim()]));
    // Through the counter's UPI QR the UTR may wait for the bank statement: sent only when typed.
    const upi = upiRef ? { upiRef, ...(references['utr'] ? { utr: references['utr'] } : {}) } : references;
    const method = (
      mode === 'cash' ? { mode, ...(tendered !== null ? { tendered } : {}) } : { mode, ...(mode === 'upi' ? upi : references) }
    ) as PaymentMethod;
    setUpiOpen(false);
    onSave({ amount, method });
  };
  const showUpi = async () => {
    if (!requestUpi) return;
    if (amount === null || amount <= 0) return setLocalError({ field: 'amount', message: 'Enter an amount more than zero' });
    setLocalError(null);
    try {
      setUpiShown(upiRef && upiShown ? upiShown : await requestUpi(amount));
      setUpiOpen(true);
    } catch (err) {
      setLocalError({ field: 'amount', message: err instanceof Error ? err.message : String(err) });
    }
  };
  useHotkeys(
    [
      ['F2', save],
      ['alt+q', () => void (mode === 'upi' ? showUpi() : undefined)],
    ],
    [],
  );

  const labels: Record<string, string> = {
    amount: 'Amount received',
    'method.tendered': 'Cash tendered',
    ...Object.fromEntries(REFERENCES[mode].map(([f, label]) => [`method.${f}`, label])),
  };
  const fieldError = (field: string) =>
    localError?.field === field ? localError.message : error?.field === field ? messageForField(error) : undefined;
  const general = error && !(error.field && error.field in labels) ? messageNamingField(error, labels) : null;

  // The cursor goes to the field in error, so the cashier retypes it without reaching for the mouse.
  const form = useRef<HTMLFormElement>(null);
  const inError = localError?.field ?? (error?.field && error.field in labels ? error.field : null);
  useEffect(() => {
    if (inError) form.current?.querySelector<HTMLElement>(`[data-field="${inError}"]`)?.focus();
  }, [inError, error, localError]);

  return (
    <form
      ref={form}
      aria-label="Payment"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label="Amount received"
          data-field="amount"
          autoFocus
          value={amountValue}
          onChange={(e) => setAmountText(e.currentTarget.value)}
          error={fieldError('amount')}
          inputMode="decimal"
        />
        <NativeSelect
          label="Mode"
          value={mode}
          onChange={(e) => setMode(e.currentTarget.value as PaymentMode)}
          data={PAYMENT_MODES.map((m) => ({ value: m, label: PAYMENT_MODE_LABELS[m] }))}
        />
        {mode === 'cash' && (
          <TextInput
            label="Cash tendered"
            data-field="method.tendered"
            value={tenderedText}
            onChange={(e) => setTenderedText(e.currentTarget.value)}
            error={fieldError('method.tendered')}
            inputMode="decimal"
          />
        )}
        {REFERENCES[mode].map(([field, label]) =>
          DATE_REFERENCES.includes(field) ? (
            <DateField
              key={field}
              label={label}
              data-field={`method.${field}`}
              value={refs[field] ?? ''}
              onChange={(iso) => setRefs({ ...refs, [field]: iso })}
              error={fieldError(`method.${field}`)}
            />
          ) : (
            <TextInput
              key={field}
              label={label}
              data-field={`method.${field}`}
              value={refs[field] ?? ''}
              onChange={(e) => setRefs({ ...refs, [field]: e.currentTarget.value })}
              error={fieldError(`method.${field}`)}
            />
          ),
        )}
      </SimpleGrid>
      {mode === 'upi' && requestUpi && (
        <Group gap="xs" mt="xs">
          <Button size="compact-sm" variant="default" onClick={() => void showUpi()}>
            Show UPI QR (Alt+Q)
          </Button>
          {upiRef && (
            <Text size="sm" data-testid="upi-ref-note">
              This payment carries UPI QR reference {upiRef}; the UTR may wait for the bank statement.
            </Text>
          )}
        </Group>
      )}
      {upiOpen && upiShown && <UpiQrModal shown={upiShown} money={money} onPaid={save} onClose={() => setUpiOpen(false)} />}
      {mode === 'cash' && amount !== null && amount > 0 && (
        <Group gap="xs" mt="xs" aria-label="Quick amounts tendered" role="group">
          <Text size="sm">Tendered:</Text>
          {[amount, ...quickTenders(amount, denominations)].map((sum, i) => (
            <Button
              key={sum}
              size="compact-sm"
              variant={tendered === sum ? 'filled' : 'default'}
              onClick={() => setTenderedText(money.format(sum))}
            >
              {i === 0 ? 'Exact' : money.format(sum)}
            </Button>
          ))}
        </Group>
      )}
      {change !== null && (
        <Text mt="sm" fw={800} fz={28} c="teal.9" aria-live="polite" data-testid="change">
          Change to return: {money.format(change)}
        </Text>
      )}
      {general && (
        <Alert color="red" mt="sm" role="alert">
          {general}
        </Alert>
      )}
      <Group justify="space-between" mt="md">
        <Text size="sm">
          <Kbd>F2</Kbd> save · <Kbd>Esc</Kbd> new search
        </Text>
        <Button type="submit" loading={saving}>
          Save payment (F2)
        </Button>
      </Group>
    </form>
  );
}
