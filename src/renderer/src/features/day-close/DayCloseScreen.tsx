// Day close at the counter: count the drawer note by note, enter the other modes' totals, see the variance, close.
import {
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { PAYMENT_MODE_LABELS, PAYMENT_MODES } from '../../../../shared/contract/payments';
import type { DayCloseStatus } from '../../../../shared/contract/reports';
import { cashCountTotal } from '../../../../shared/domain/denominations';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { ExportPanel } from '../reports/ExportPanel';
import { DateField } from '../../components/DateField';
import { useDates } from '../../components/school';

const OTHER_MODES = PAYMENT_MODES.filter((m) => m !== 'cash');

export function DayCloseScreen({ session }: { session: SessionInfo }) {
  const money = moneyFor(session.school);
  const dates = useDates();
  const [date, setDate] = useState(() => dates.today());
  const [status, setStatus] = useState<DayCloseStatus | null>(null);
  const [pieces, setPieces] = useState<Record<string, number>>({});
  const [other, setOther] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  // Reopening is confirmed with the admin's own password and code again, though they are logged in.
  const [reauth, setReauth] = useState({ password: '', code: '' });
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    request(api().dayClose.status({ date })).then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e: Error) => setError(sentence(e.message)),
    );
  }, [date]);
  useEffect(load, [load]);

  if (!status) return <Stack>{error && <Alert color="red.9">{error}</Alert>}</Stack>;

  const cash = cashCountTotal(Object.fromEntries(Object.entries(pieces).map(([d, n]) => [d, n || 0])));
  const parsed = Object.fromEntries(OTHER_MODES.map((m) => [m, other[m] ? money.parse(other[m]) : 0]));
  const counted: Record<string, number | null> = { cash, ...parsed };
  const variance = PAYMENT_MODES.reduce((a, m) => a + (counted[m] ?? 0) - (status.expected[m] ?? 0), 0);
  const open = status.state === 'open';
  const shown = open ? counted : (status.counted ?? {});

  const close = () => {
    const bad = OTHER_MODES.find((m) => parsed[m] === null);
    if (bad) return setError(`The ${PAYMENT_MODE_LABELS[bad]} total is not an amount.`);
    setError(null);
    request(
      api().dayClose.close({
        date,
        cashCount: Object.fromEntries(
          Object.entries(pieces)
            .filter(([, n]) => n > 0)
            .map(([d, n]) => [d, n]),
        ),
        counted: Object.fromEntries(OTHER_MODES.filter((m) => (parsed[m] ?? 0) > 0).map((m) => [m, parsed[m]!])),
        note: note.trim() || null,
      }),
    ).then(setStatus, (e: Error) => setError(sentence(e.message)));
  };
  const reopen = () =>
    request(
      api().dayClose.reopen({
        date,
        reason,
        reauth: { password: reauth.password, ...(reauth.code.trim() ? { code: reauth.code.trim() } : {}) },
      }),
    ).then(
      (s) => {
        setStatus(s);
        setReason('');
        setReauth({ password: '', code: '' });
      },
      (e: Error) => setError(sentence(e.message)),
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Day close · desk {status.desk}</Title>
        <Badge size="lg" color={open ? 'blue' : 'green.9'}>
          {open ? 'Open' : `Closed by ${status.closedBy}`}
        </Badge>
      </Group>
      <Group align="flex-end">
        <DateField label="Day" value={date} onChange={(iso) => iso && setDate(iso)} />
        <Text size="sm">{status.receipts} receipts on this desk</Text>
        {status.upi.receipts > 0 && (
          <Text size="sm">
            {`UPI taken ${money.format(status.upi.taken)} · confirmed by the bank ${money.format(status.upi.confirmed)} (${status.upi.confirmedReceipts} of ${status.upi.receipts})`}
          </Text>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={4}>Cash drawer</Title>
          <Table aria-label="Cash count" verticalSpacing={2}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Note / coin</Table.Th>
                <Table.Th>Count</Table.Th>
                <Table.Th ta="right">Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.denominations.map((d) => {
                const n = open ? (pieces[String(d)] ?? 0) : (status.cashCount?.[String(d)] ?? 0);
                return (
                  <Table.Tr key={d}>
                    <Table.Td>{money.format(d)}</Table.Td>
                    <Table.Td>
                      <NumberInput
                        aria-label={`Count of ${money.format(d)}`}
                        min={0}
                        allowDecimal={false}
                        value={n}
                        disabled={!open}
                        onChange={(v) => setPieces((p) => ({ ...p, [String(d)]: Number(v) || 0 }))}
                        w={100}
                        size="xs"
                      />
                    </Table.Td>
                    <Table.Td ta="right">{money.format(d * n)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md">
          <Title order={4}>Expected against counted</Title>
          <Table aria-label="Expected against counted" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Mode</Table.Th>
                <Table.Th ta="right">Expected</Table.Th>
                <Table.Th ta="right">Counted</Table.Th>
                <Table.Th ta="right">Variance</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {PAYMENT_MODES.map((m) => {
                const c = shown[m] ?? 0;
                const v = (c ?? 0) - (status.expected[m] ?? 0);
                return (
                  <Table.Tr key={m}>
                    <Table.Td>{PAYMENT_MODE_LABELS[m]}</Table.Td>
                    <Table.Td ta="right">{money.format(status.expected[m] ?? 0)}</Table.Td>
                    <Table.Td ta="right">
                      {m === 'cash' || !open ? (
                        money.format(c ?? 0)
                      ) : (
                        <TextInput
                          aria-label={`Counted ${PAYMENT_MODE_LABELS[m]}`}
                          size="xs"
                          w={120}
                          value={other[m] ?? ''}
                          onChange={(e) => {
                            // Read now: the event's target is gone by the time React runs the updater.
                            const typed = e.currentTarget.value;
                            setOther((o) => ({ ...o, [m]: typed }));
                          }}
                        />
                      )}
                    </Table.Td>
                    <Table.Td ta="right" c={v === 0 ? undefined : 'red.9'}>
                      {money.format(v)}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Text fw={600} mt="xs" role="status">
            Variance: {money.format(open ? variance : (status.variance ?? 0))}
          </Text>
        </Paper>
      </SimpleGrid>
      {open ? (
        <Paper withBorder p="md">
          <Stack>
            <Textarea
              label="Note (required when there is a variance)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={500}
            />
            <Group>
              <Button onClick={close}>Close the day</Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder p="md">
          <Stack>
            <Text>
              Closed {status.closedAt ? dates.dateTime(status.closedAt) : ''} by {status.closedBy}.
              {status.note ? ` Note: ${status.note}` : ''} No payment can be taken or cancelled on this desk for this day until an admin
              reopens it.
            </Text>
            {session.user.role === 'admin' && (
              <Group align="flex-end">
                <TextInput label="Reason for reopening" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={360} />
                <PasswordInput
                  label="Your password"
                  value={reauth.password}
                  onChange={(e) => setReauth({ ...reauth, password: e.currentTarget.value })}
                  autoComplete="off"
                />
                <TextInput
                  label="Your code"
                  description="From your authenticator app"
                  value={reauth.code}
                  onChange={(e) => setReauth({ ...reauth, code: e.currentTarget.value })}
                  inputMode="numeric"
                  autoComplete="off"
                  w={160}
                />
                <Button variant="default" onClick={() => void reopen()}>
                  Reopen the day
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      )}
      {error && <Alert color="red.9">{error}</Alert>}
      {status.history.length > 0 && (
        <Text size="sm" c="dimmed">
          History: {status.history.map((h) => `${h.kind} ${dates.dateTime(h.at)} by ${h.by}${h.note ? ` (${h.note})` : ''}`).join(' · ')}
        </Text>
      )}
      <Paper withBorder p="md">
        <Title order={4}>Day close report</Title>
        <ExportPanel
          filters={{ report: 'day_close', date }}
          baseName={`day-close-${status.desk}-${date}`}
          formats={['pdf', 'xlsx', 'csv']}
        />
      </Paper>
    </Stack>
  );
}
