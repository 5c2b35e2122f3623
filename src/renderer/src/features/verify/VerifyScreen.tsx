// Is this receipt genuine? Scan its QR (the scanner types the code) or paste it.
import { Alert, Badge, Button, Group, Paper, Stack, Table, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { QrCheckView } from '../../../../shared/contract/receipts';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';

const VERDICT: Record<QrCheckView['verdict'], { color: string; title: string }> = {
  valid: { color: 'teal.9', title: 'Genuine receipt' },
  tampered: { color: 'red.9', title: 'Altered or forged' },
  unknown_key: { color: 'orange.9', title: 'Unknown desk' },
  malformed: { color: 'red.9', title: 'Damaged code' },
  not_feedesk: { color: 'gray.8', title: 'Not a FeeDesk receipt' },
};

export function VerifyScreen({ session }: { session: SessionInfo }) {
  const money = moneyFor(session.school);
  const [code, setCode] = useState('');
  const [result, setResult] = useState<QrCheckView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const check = async () => {
    setFailure(null);
    try {
      setResult(await request(api().receipts.verify({ code })));
    } catch (err) {
      setFailure(sentence((err as Error).message));
    }
  };

  return (
    <Stack maw={720}>
      <Title order={2}>Verify a receipt</Title>
      <form
        aria-label="Verify a receipt"
        onSubmit={(e) => {
          e.preventDefault();
          void check();
        }}
      >
        <Group align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="Receipt code or verify link"
            description="Scan the receipt's QR here, or paste it"
            autoFocus
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <Button type="submit">Verify</Button>
        </Group>
      </form>
      {failure && <Alert color="red">{failure}</Alert>}
      {result && (
        <Paper withBorder p="md" role="region" aria-label="Verification result">
          <Group mb="sm">
            <Badge size="lg" color={VERDICT[result.verdict].color}>
              {VERDICT[result.verdict].title}
            </Badge>
            <span>{sentence(result.message)}</span>
          </Group>
          {result.claims && (
            <Table aria-label="What the receipt claims">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th>Receipt no.</Table.Th>
                  <Table.Td>{result.claims.receiptNo}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Td>{result.claims.date}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Amount</Table.Th>
                  <Table.Td>{money.format(result.claims.amount)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Admission no.</Table.Th>
                  <Table.Td>{result.claims.admissionNo}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Desk</Table.Th>
                  <Table.Td>{result.claims.deskCode ?? `unknown key ${result.claims.keyId}`}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          )}
          {result.local && (
            <Alert
              mt="sm"
              variant="filled"
              color={!result.local.found ? 'gray.9' : result.local.status === 'valid' && result.local.amountMatches ? 'teal.9' : 'red.9'}
              title="This desk's books"
            >
              {!result.local.found
                ? 'This desk has no record of that receipt (it may be from another desk that has not synced yet).'
                : `${result.local.studentName}: ${result.local.status}${result.local.amountMatches ? '' : ' — the amount does NOT match the books'}.`}
            </Alert>
          )}
        </Paper>
      )}
    </Stack>
  );
}
