// The refundable deposits (caution money) the school still holds for a student: theirs, to pay back on a refund voucher
// at the counter. Shown at leaving and on a left student's record; a deposit held never stops the no-dues certificate.
import { Alert, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Refundable } from '../../../../shared/contract/refunds';
import { api, request } from '../../api/client';
import type { MoneyFormat } from '../../components/money';

export function DepositsHeld({ studentId, who, money }: { studentId: string; who: string; money: MoneyFormat }) {
  const [view, setView] = useState<{ studentId: string; refundable: Refundable } | null>(null);
  useEffect(() => {
    let live = true;
    // A note beside the leave form: if it cannot be read, the form works on without it.
    request(api().refunds.refundable({ studentId })).then(
      (refundable) => live && setView({ studentId, refundable }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [studentId]);
  const r = view?.studentId === studentId ? view.refundable : null;
  if (!r || r.depositHeld === 0) return null;
  return (
    <Alert color="blue.9" title={`Deposits held: ${money.format(r.depositHeld)}`} role="region" aria-label="Deposits held">
      <Text>
        {r.deposits.map((d) => `${d.installment} · ${d.head} (${d.year}) ${money.format(d.refundable)}`).join('; ')}. They are {who}’s:
        refund them at the counter (Collect → Refund…, Refundable deposit), setting off anything still owed. A deposit held does not stop
        the no-dues certificate.
      </Text>
    </Alert>
  );
}
