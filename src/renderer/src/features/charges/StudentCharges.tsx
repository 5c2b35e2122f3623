// One student's charges (transport, hostel, activities): the stop, from and to, and what each charged, took off, was
// paid and is still owed; those allowed can stop one from a day.
import { Alert, Button, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { Role } from '../../../../shared/contract/channel';
import type { InputOf, OutputOf } from '../../../../shared/contract';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { mayCall } from '../../components/access';
import { DataTable } from '../../components/DataTable';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { StopChargeModal } from './StopChargeModal';

type Charge = OutputOf<'charges.forStudent'>[number];

interface Props {
  student: InputOf<'charges.forStudent'> & { fullName: string };
  role: Role;
  money: MoneyFormat;
  /** Called after a stop, when the student's dues have changed. */
  onChanged: () => void;
}

export function StudentCharges({ student, role, money, onChanged }: Props) {
  const dates = useDates();
  const [charges, setCharges] = useState<Charge[] | null>(null);
  const [stopping, setStopping] = useState<Charge | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const canStop = mayCall(role, 'charges.stop');

  const load = useCallback(() => {
    request(api().charges.forStudent({ studentId: student.studentId })).then(setCharges, (e: Error) =>
      setNote({ ok: false, text: sentence(e.message) }),
    );
  }, [student.studentId]);
  useEffect(load, [load]);

  if (!charges) return note ? <Alert color="red">{note.text}</Alert> : null;
  return (
    <Stack gap={4} component="section" aria-label="Charges">
      <Title order={5}>Charges</Title>
      {note &&
        (note.ok ? (
          <Text c="teal.9" role="status">
            {note.text}
          </Text>
        ) : (
          <Alert color="red">{note.text}</Alert>
        ))}
      {charges.length === 0 ? (
        <Text size="sm">On no charge plan. Tick the student in the list, then “Put on a charge…”.</Text>
      ) : (
        <DataTable
          label={`Charges of ${student.fullName}`}
          rows={charges}
          rowKey={(c) => c.id}
          columns={[
            { header: 'Plan', cell: (c) => c.planName },
            { header: 'Stop', cell: (c) => c.stop ?? '—' },
            { header: 'From', cell: (c) => dates.date(c.startsOn) },
            {
              header: 'To',
              cell: (c) => (c.stopsOn ? `${dates.date(c.stopsOn)}${c.stopReason ? ` (${c.stopReason})` : ''}` : 'End of year'),
            },
            { header: 'Charged', align: 'right', cell: (c) => money.format(c.charged) },
            { header: 'Waived', align: 'right', cell: (c) => money.format(c.waived) },
            { header: 'Paid', align: 'right', cell: (c) => money.format(c.paid) },
            { header: 'Balance', align: 'right', cell: (c) => money.format(c.balance) },
            ...(canStop
              ? [
                  {
                    header: 'Action',
                    cell: (c: Charge) =>
                      c.stopsOn === null && (
                        <Button size="compact-xs" variant="default" aria-label={`Stop ${c.planName}…`} onClick={() => setStopping(c)}>
                          Stop…
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {stopping && (
        <StopChargeModal
          charge={stopping}
          studentName={student.fullName}
          money={money}
          onClose={() => setStopping(null)}
          onDone={(text) => {
            setStopping(null);
            setNote({ ok: true, text });
            load();
            onChanged();
          }}
        />
      )}
    </Stack>
  );
}
