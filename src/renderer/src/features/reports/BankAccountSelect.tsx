// The school's bank accounts to narrow the reconciliation report to one; none chosen means all of them.
import { Select } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { BankAccount } from '../../../../shared/contract/reconcile';
import { api, request } from '../../api/client';

export function BankAccountSelect({ value, onChange }: { value: string | null; onChange: (account: string | null) => void }) {
  const [accounts, setAccounts] = useState<BankAccount[]>([]);
  useEffect(() => {
    void request(api().settings.get()).then(
      (p) => setAccounts(p.bankAccounts),
      () => undefined,
    );
  }, []);
  return (
    <Select
      label="Bank account"
      clearable
      placeholder="All accounts"
      data={accounts.map((a) => ({ value: a.number, label: `${a.label} (${a.number})` }))}
      value={value}
      onChange={onChange}
      w={300}
    />
  );
}
