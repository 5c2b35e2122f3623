// The principal's dashboard: today's collection by mode, this month so far against the same days of last month, trends,
// ageing, who owes, what waits. Axes and tooltips in the school's currency and locale; days and months in words.
import { Alert, Card, Group, List, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Dashboard as DashboardData } from '../../../../shared/contract/reports';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { useDates } from '../../components/school';
import { chartFormat } from './chart-format';

const CHART_HEIGHT = 220;

export function Dashboard({ session }: { session: SessionInfo }) {
  const money = moneyFor(session.school);
  const dates = useDates();
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [trend, setTrend] = useState<'daily' | 'monthly'>('daily');
  useEffect(() => {
    request(api().reports.dashboard()).then(setData, (e: Error) => setError(sentence(e.message)));
  }, []);
  if (error) return <Alert color="red.9">{error}</Alert>;
  if (!data) return <Text c="dimmed">Loading the dashboard…</Text>;

  // Charts plot major units; axes show compact money (₹32L), tooltips the exact sum, both in the school's locale.
  const chart = chartFormat(data.currency, data.locale);
  const exact = (value: unknown) => money.format(chart.minor(Number(value)));
  const todayTotal = data.todayByMode.reduce((a, m) => a + m.amount, 0);
  const { monthToDate: now, sameDaysLastMonth: before } = data;
  const change = before.amount === 0 ? null : Math.round(((now.amount - before.amount) / Math.abs(before.amount)) * 100);
  const thisMonth = data.today.slice(0, 7);
  const trendData =
    trend === 'daily'
      ? data.daily.map((d) => ({ key: d.day, amount: chart.major(d.amount) }))
      : data.monthly.map((m) => ({ key: m.month, amount: chart.major(m.amount) }));
  const tick = (key: string) => (trend === 'daily' ? chart.day(key) : chart.month(key));
  const tooltipTitle = (key: unknown) => {
    const k = String(key);
    if (trend === 'daily') return chart.longDay(k);
    return k === thisMonth ? `${chart.month(k)} (to ${chart.day(data.today)})` : chart.month(k);
  };

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
        <Card withBorder component="section" aria-label="This month so far">
          <Text size="xs" c="dimmed" tt="uppercase">
            This month so far · {chart.range(now.from, now.to)}
          </Text>
          <Text fw={700} size="xl">
            {money.format(now.amount)}
          </Text>
          <Text size="sm">
            Same days last month ({chart.range(before.from, before.to)}): {money.format(before.amount)}
            {change !== null && ` (${change === 0 ? 'the same' : `${Math.abs(change)}% ${change > 0 ? 'more' : 'less'} this month`})`}
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
        <Card withBorder component="section" aria-label="Collection trend">
          <Group justify="space-between">
            <Title order={4}>Collection trend</Title>
            <SegmentedControl
              size="xs"
              value={trend}
              onChange={(v) => setTrend(v as 'daily' | 'monthly')}
              data={[
                { value: 'daily', label: '30 days' },
                { value: 'monthly', label: '12 months' },
              ]}
            />
          </Group>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <BarChart data={trendData} margin={{ left: 16, right: 8, top: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="key" fontSize={11} tickFormatter={tick} minTickGap={12} />
              <YAxis fontSize={11} width={70} tickFormatter={chart.axisMoney} />
              <Tooltip formatter={exact} labelFormatter={tooltipTitle} />
              <Bar dataKey="amount" name="Net collected" fill="#1c7ed6" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Card>
        <Card withBorder component="section" aria-label="Dues ageing">
          <Title order={4}>Dues ageing</Title>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <BarChart
              data={data.ageing.map((a) => ({ bucket: a.bucket, amount: chart.major(a.amount) }))}
              margin={{ left: 16, right: 8, top: 8 }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="bucket" fontSize={11} />
              <YAxis fontSize={11} width={70} tickFormatter={chart.axisMoney} />
              <Tooltip formatter={exact} />
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
                  Desk {d.desk} · {dates.date(d.day)}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
