// Refund… from the counter: what this student can be refunded, the refund asked and approved, then its voucher to print.
import { Loader, Modal, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Refundable, RefundVoucher } from '../../../../shared/contract/refunds';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import type { MoneyFormat } from '../../components/money';
import { kindsOf } from './refund-draft';
import { RefundForm } from './RefundForm';
import { VoucherView } from './VoucherView';

interface Props {
  student: StudentSummary;
  money: MoneyFormat;
  onClose: () => void;
  /** A voucher was written: the dues, ledger and credit on screen have changed. */
  onRefunded: () => void;
}

export function RefundModal({ student, money, onClose, onRefunded }: Props) {
  const [view, setView] = useState<Refundable | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [voucher, setVoucher] = useState<RefundVoucher | null>(null);
  useEffect(() => {
    request(api().refunds.refundable({ studentId: student.id })).then(setView, (e: Error) => setFailure(e.message));
  }, [student.id]);

  const body = () => {
    if (voucher) return <VoucherView voucher={voucher} money={money} onDone={onClose} />;
    if (failure) return <Text c="red.9">{failure}</Text>;
    if (!view) return <Loader aria-label="Loading what can be refunded" />;
    if (kindsOf(view).length === 0)
      return <Text>Nothing can be refunded to {student.fullName}: no fees paid, advance credit or deposit held.</Text>;
    return (
      <RefundForm
        view={view}
        money={money}
        onSaved={(v) => {
          setVoucher(v);
          onRefunded();
        }}
      />
    );
  };
  return (
    <Modal opened onClose={onClose} title={`Refund to ${student.fullName} (${student.admissionNo})`} size="xl">
      {body()}
    </Modal>
  );
}
