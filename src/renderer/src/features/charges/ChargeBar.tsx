// Under the register's ticks: put the ticked students on a charge plan, or charge them something once.
import { Button, Group, Paper, Text } from '@mantine/core';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import type { StudentSummary } from '../../../../shared/contract/students';
import type { MoneyFormat } from '../../components/money';
import { AssignChargeModal } from './AssignChargeModal';
import { OneOffModal } from './OneOffModal';
import { studentsCount } from './students-text';

interface Props {
  selected: StudentSummary[];
  masters: Masters;
  money: MoneyFormat;
  onDone: (message: string) => void;
}

export function ChargeBar({ selected, masters, money, onDone }: Props) {
  const [open, setOpen] = useState<'assign' | 'oneOff' | null>(null);
  const year = masters.years.find((y) => y.isCurrent);
  const done = (message: string) => {
    setOpen(null);
    onDone(message);
  };
  return (
    <Paper withBorder p="sm" bg="blue.0" component="section" aria-label="Charges for the ticked students">
      <Group>
        <Text>Charges for the {studentsCount(selected.length)} ticked:</Text>
        <Button variant="default" disabled={!year} onClick={() => setOpen('assign')}>
          Put on a charge…
        </Button>
        <Button variant="default" onClick={() => setOpen('oneOff')}>
          One-off charge…
        </Button>
      </Group>
      {open === 'assign' && year && (
        <AssignChargeModal students={selected} yearId={year.id} money={money} onClose={() => setOpen(null)} onDone={done} />
      )}
      {open === 'oneOff' && <OneOffModal students={selected} masters={masters} money={money} onClose={() => setOpen(null)} onDone={done} />}
    </Paper>
  );
}
