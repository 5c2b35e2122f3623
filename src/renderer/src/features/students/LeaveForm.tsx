// Marking a student as left: first what leaving on that day waives (the open dues that fall due after it) and what
// would still be owed year by year, then a confirmation that says it again.
import { Alert, Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Owed, Student, WaivedDue } from '../../../../shared/contract/students';
import { api, ApiError, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { DataTable } from '../../components/DataTable';
import { DateField } from '../../components/DateField';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { DepositsHeld } from '../refunds/DepositsHeld';
import { OwedByYear, owedInWords } from './OwedByYear';

type Preview = { leftOn: string; dues: WaivedDue[]; total: number; owed: Owed };

export function LeaveForm({
  student,
  money,
  onLeft,
  onCancel,
}: {
  student: Student;
  money: MoneyFormat;
  onLeft: (message: string) => void;
  onCancel: () => void;
}) {
  const dates = useDates();
  const [leftOn, setLeftOn] = useState(dates.today());
  const [status, setStatus] = useState<'left' | 'alumni'>('left');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ leftOn?: string; reason?: string }>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const beforeJoining = leftOn !== '' && leftOn < student.joinedOn;

  useEffect(() => {
    if (!leftOn || beforeJoining) return;
    let live = true;
    request(api().students.leavePreview({ studentId: student.id, leftOn })).then(
      (p) => {
        if (!live) return;
        setPreview({ leftOn, ...p });
        setFailure(null);
      },
      (e: Error) => live && setFailure(sentence(e.message)),
    );
    return () => {
      live = false;
    };
  }, [leftOn, beforeJoining, student.id]);

  const shown = preview && preview.leftOn === leftOn && !beforeJoining ? preview : null;
  const leaving = status === 'left' ? 'left' : 'passed out (alumni)';
  const dateError = beforeJoining ? `Is before the joining date, ${dates.date(student.joinedOn)}` : errors.leftOn;

  const review = (e: React.FormEvent) => {
    e.preventDefault();
    const found = { ...(leftOn ? {} : { leftOn: 'Type the leaving date' }), ...(reason.trim() ? {} : { reason: 'Is required' }) };
    setErrors(found);
    if (Object.keys(found).length === 0 && !beforeJoining && shown) setConfirming(true);
  };

  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const r = await request(api().students.leave({ studentId: student.id, leftOn, status, reason }));
      onLeft(
        `${student.fullName} marked ${leaving} on ${dates.date(leftOn)}` +
          (r.duesWaived > 0
            ? `; ${r.duesWaived} ${r.duesWaived === 1 ? 'due' : 'dues'} waived (${money.format(r.amountWaived)}).`
            : '; no dues to waive.'),
      );
    } catch (err) {
      setConfirming(false);
      setFailure(err instanceof ApiError ? messageForField(err) : sentence(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={review} aria-label={`Mark ${student.fullName} as left`}>
      <Stack gap="sm">
        <Title order={4}>Mark as left</Title>
        <Group align="flex-start" grow>
          <DateField
            label="Leaving date"
            value={leftOn}
            onChange={(iso) => {
              setLeftOn(iso);
              setConfirming(false);
            }}
            error={dateError}
          />
          <NativeSelect
            label="Leaving as"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as 'left' | 'alumni')}
            data={[
              { value: 'left', label: 'Left the school' },
              { value: 'alumni', label: 'Passed out (alumni)' },
            ]}
          />
          <TextInput
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.reason}
            placeholder="e.g. moved to another city"
          />
        </Group>
        {shown && (
          <Stack gap={4}>
            <Text fw={600}>
              {shown.dues.length > 0
                ? `Leaving on ${dates.date(shown.leftOn)} waives these open dues (they fall due after that day). Dues up to that day stay to be paid.`
                : `Nothing is waived: no open dues fall due after ${dates.date(shown.leftOn)}.`}
            </Text>
            {shown.dues.length > 0 && (
              <DataTable
                label="Dues that leaving waives"
                bordered
                rows={shown.dues}
                rowKey={(d) => d.dueId}
                columns={[
                  { header: 'Installment', cell: (d) => d.installment },
                  { header: 'Head', cell: (d) => d.head },
                  { header: 'Falls due', cell: (d) => dates.date(d.dueOn) },
                  { header: 'Amount waived', align: 'right', cell: (d) => money.format(d.balance) },
                ]}
              />
            )}
            {shown.dues.length > 0 && (
              <Text ta="right" fw={700}>
                Total waived: {money.format(shown.total)}
              </Text>
            )}
            <OwedByYear owed={shown.owed} money={money} who={student.fullName} left={false} />
            <DepositsHeld studentId={student.id} who={student.fullName} money={money} />
          </Stack>
        )}
        {failure && <Alert color="red">{failure}</Alert>}
        {confirming && shown ? (
          <Alert color="red.9" title="Confirm leaving" role="alertdialog">
            <Stack gap="xs">
              <Text>
                Mark {student.fullName} as {leaving} on {dates.date(leftOn)}?{' '}
                {shown.dues.length > 0
                  ? `This waives ${shown.dues.length} ${shown.dues.length === 1 ? 'due' : 'dues'}, ${money.format(shown.total)} in all.`
                  : 'No dues are waived.'}
                {shown.owed.total > 0 && ` ${student.fullName} will still owe ${owedInWords(shown.owed, money)}.`}
              </Text>
              <Group>
                <Button color="red.8" loading={busy} onClick={() => void confirm()} autoFocus>
                  Yes, mark as {status === 'left' ? 'left' : 'alumni'}
                </Button>
                <Button variant="default" onClick={() => setConfirming(false)}>
                  Go back
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" disabled={!shown}>
              Mark as left…
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
