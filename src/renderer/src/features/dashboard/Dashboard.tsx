// The principal's dashboard: today's collection by mode, the month against the last, trends, ageing, who owes, what waits.
import { Alert, Card, Group, List, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Dashboard as DashboardData } from '../../../../shared/contract/reports';
import { minorDigits } from '../../../../shared/domain/money';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';

const CHART_HEIGHT = 220;

export function Dashboard({ session }: { session: SessionInfo }) {
  const money = moneyFor(session.school);
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [trend, setTrend] = useState<'daily' | 'monthly'>('daily');
  useEffect(() => {
    request(api().reports.dashboard()).then(setData, (e: Error) => setError(sentence(e.message)));
  }, []);
  if (error) return <Alert color="red.9">{error}</Alert>;
  if (!data) return <Text c="dimmed">Loading the dashboard…</Text>;

  // Charts plot major units; labels go through the school's money format.
  const scale = 10 ** minorDigits(data.currency);
  const major = (minor: number) => minor / scale;
  const label = (value: unknown) => money.format(Math.round(Number(value) * scale));
  const todayTotal = data.todayByMode.reduce((a, m) => a + m.amount, 0);
  const change = data.lastMonth === 0 ? null : Math.round(((data.thisMonth - data.lastMonth) / Math.abs(data.lastMonth)) * 100);
  const trendData = trend === 'daily' ? data.daily.map((d) => ({ label: d.day.slice(5), amount: major(d.amount) })) : data.monthly.map((m) => ({ label: m.month, amount: major(m.amount) }));

  return (
    <Stack aria-label="Dashboard">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Collected today
          </Text>
          <Text fw={700} size="xl">
            {money.format(todayTotal)}
          </Text>
          {data.todayByMode.map((m) => (
            <Text key={m.mode} size="sm">
              {m.mode}: {money.format(m.amount)}
            </Text>
          ))}
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            This month
          </Text>
          <Text fw={700} size="xl">
            {money.format(data.thisMonth)}
          </Text>
          <Text size="sm">
            Last month {money.format(data.lastMonth)}
            {change !== null && ` (${change >= 0 ? '+' : ''}${change}%)`}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Waiting
          </Text>
          <Text size="sm">{data.pending.concessions} concessions to approve</Text>
          <Text size="sm">{data.pending.cheques} cheques pending clearance</Text>
          <Text size="sm">{data.pending.syncRejected} changes the server refused</Text>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Group justify="space-between">
            <Title order={4}>Collection trend</Title>
            <SegmentedControl size="xs" value={trend} onChange={(v) => setTrend(v as 'daily' | 'monthly')} data={[{ value: 'daily', label: '30 days' }, { value: 'monthly', label: '12 months' }]} />
          </Group>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <LineChart data={trendData} margin={{ left: 16, right: 8, top: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="label" fontSize={11} />
              <YAxis fontSize={11} width={70} />
              <Tooltip formatter={label} />
              <Line type="monotone" dataKey="amount" name="Net collected" stroke="#1c7ed6" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </Card>
        <Card withBorder>
          <Title order={4}>Dues ageing</Title>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <BarChart data={data.ageing.map((a) => ({ bucket: a.bucket, amount: major(a.amount) }))} margin={{ left: 16, right: 8, top: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="bucket" fontSize={11} />
              <YAxis fontSize={11} width={70} />
              <Tooltip formatter={label} />
              <Bar dataKey="amount" name="Overdue" fill="#e8590c" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4}>Top defaulting classes</Title>
          <Table aria-label="Top defaulting classes" verticalSpacing={2}>
            <Table.Tbody>
              {data.topDefaultingClasses.map((c) => (
                <Table.Tr key={c.className}>
                  <Table.Td>{c.className}</Table.Td>
                  <Table.Td>{c.students === 1 ? '1 student' : `${c.students} students`}</Table.Td>
                  <Table.Td ta="right">{money.format(c.amount)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Title order={4}>Desks not yet closed</Title>
          {data.desksNotClosed.length === 0 ? (
            <Text size="sm">Every desk that took money in the last two weeks has closed its day.</Text>
          ) : (
            <List size="sm">
              {data.desksNotClosed.slice(0, 10).map((d) => (
                <List.Item key={`${d.desk}-${d.day}`}>
                  Desk {d.desk} · {d.day}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
