// Bank reconciliation: a statement of one of the school's accounts read against the books (a dry run that writes
// nothing), every line explained, and the lines the accountant ticks confirmed into the books in one go.
import { Alert, Button, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { BankAccount, ReconcilePreview } from '../../../../shared/contract/reconcile';
import { api, ApiError, request } from '../../api/client';
import { messageNamingField, sentence } from '../../api/form-errors';
import { FileToRead } from '../../components/FileToRead';
import { moneyFor } from '../../components/money';
import { BounceModal } from '../payments/ReceiptsList';
import { BANK_LAYOUT_LABELS } from '../settings/BankAccountsForm';
import { type Choice, type Choices, choicesFor, confirmation, ticked } from './choices';
import { type Confirmed, ConfirmedLines } from './ConfirmedLines';
import { type ColumnsDraft, columnsProblem, NO_COLUMNS, StatementColumns } from './StatementColumns';
import { StatementLines } from './StatementLines';

/** The fields a refusal names, as this screen labels them. */
const FIELD_LABELS = {
  path: 'The statement file',
  fileName: 'The statement file',
  content: 'The statement file',
  account: 'The account',
  mapping: 'The columns',
  'mapping.bank': 'The bank’s name',
  'mapping.columns': 'The columns',
};

const accountName = (a: BankAccount) => `${a.label} · ${a.number} · ${BANK_LAYOUT_LABELS[a.layout]}`;

/** A refused confirmation in the accountant's words, and the row it names (to show it in the table). */
function refusal(e: Error): { message: string; row: number | null } {
  const field = e instanceof ApiError ? e.field : undefined;
  const message = field && e.message.startsWith(field) ? e.message.slice(field.length).replace(/^:?\s*/, '') : e.message;
  const row = /^row (\d+)/.exec(message)?.[1];
  return { message: sentence(message), row: row ? Number(row) : null };
}

export function ReconcileScreen({ session }: { session: SessionInfo }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const [accounts, setAccounts] = useState<BankAccount[] | null>(null);
  const [number, setNumber] = useState<string | null>(null);
  const [path, setPath] = useState('');
  /** The headers of the statement at `of`, while its columns are being chosen. */
  const [headers, setHeaders] = useState<{ of: string; names: string[] } | null>(null);
  const [columns, setColumns] = useState<ColumnsDraft>(NO_COLUMNS);
  const [preview, setPreview] = useState<ReconcilePreview | null>(null);
  /** The file the preview was read from (the path box may say another by now). */
  const [readFrom, setReadFrom] = useState('');
  const [choices, setChoices] = useState<Map<number, Choice>>(new Map());
  const [reading, setReading] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ message: string; row: number | null } | null>(null);
  const [confirmed, setConfirmed] = useState<Confirmed | null>(null);
  const [bouncing, setBouncing] = useState<{ paymentId: string; receiptNo: string } | null>(null);

  useEffect(() => {
    request(api().settings.get()).then(
      ({ bankAccounts }) => {
        setAccounts(bankAccounts);
        if (bankAccounts.length === 1) setNumber(bankAccounts[0]!.number);
      },
      (e: Error) => {
        setAccounts([]);
        setError(sentence(e.message));
      },
    );
  }, []);
  const account = accounts?.find((a) => a.number === number) ?? null;
  /** Another bank's statement is read through its columns: chosen once, then remembered for the account. */
  const asksColumns = account?.layout === 'other' && (!account.mapping || headers !== null);
  const fail = (e: Error) => setError(e instanceof ApiError ? messageNamingField(e, FIELD_LABELS) : sentence(e.message));

  const readColumns = (from: string, start: ColumnsDraft) => {
    setError(null);
    setReading(true);
    request(api().reconcile.headers({ path: from }))
      .then(({ headers: names }) => {
        setHeaders({ of: from, names });
        setColumns(start);
      }, fail)
      .finally(() => setReading(false));
  };
  /**
   * The dry run. `earlier`: what was chosen for the lines last read, kept when the file read is that very statement
   * again (after a bounce, or Read once more); a changed file's rows may be other lines.
   */
  const dryRun = (from: string, earlier?: { sha256: string; choices: Choices }) => {
    if (!account) return;
    setError(null);
    setRefused(null);
    setReading(true);
    const mapping = asksColumns ? columns : undefined;
    request(api().reconcile.dryRun({ path: from, account: account.number, ...(mapping ? { mapping } : {}) }))
      .then((read) => {
        setPreview(read);
        setReadFrom(from);
        setChoices(choicesFor(read, earlier?.sha256 === read.sha256 ? earlier.choices : undefined));
        if (mapping) {
          setAccounts((all) => all?.map((a) => (a.number === account.number ? { ...a, mapping } : a)) ?? null);
          setHeaders(null);
        }
      }, fail)
      .finally(() => setReading(false));
  };
  const lastRead = preview ? { sha256: preview.sha256, choices } : undefined;
  const read = (from = path) => {
    setConfirmed(null);
    setPreview(null);
    if (asksColumns && headers?.of !== from) readColumns(from, columns);
    else dryRun(from, lastRead);
  };
  const confirm = () => {
    if (!preview) return;
    const lines = ticked(preview, choices);
    const students = new Map(
      lines.map((l) => {
        const s = choices.get(l.row)?.student;
        return [
          l.row,
          s ? `${s.fullName} (${s.admissionNo})` : l.action?.kind === 'record' ? `${l.action.studentName} (${l.action.admissionNo})` : '',
        ];
      }),
    );
    setRefused(null);
    setConfirming(true);
    request(api().reconcile.confirm({ statementId: preview.statementId, lines: confirmation(lines, choices) }))
      .then(
        ({ preview: now, ...done }) => {
          setConfirmed({ ...done, students });
          setPreview(now);
          setChoices(choicesFor(now, choices));
        },
        (e: Error) => setRefused(refusal(e)),
      )
      .finally(() => setConfirming(false));
  };

  if (accounts === null)
    return (
      <Group role="status">
        <Loader size="sm" />
        <Text>Loading the school’s bank accounts…</Text>
      </Group>
    );
  const chosen = preview ? ticked(preview, choices) : [];
  const total = chosen.reduce((sum, l) => sum + l.credit, 0);
  const columnsAsked = asksColumns && headers !== null;
  /** The columns of the file in the box are on screen: their own Read statement button reads it. */
  const columnsOfThisFile = columnsAsked && headers.of === path;
  return (
    <Stack>
      <Title order={2}>Bank reconciliation</Title>
      {accounts.length === 0 ? (
        <Alert color="blue.9" title="No bank accounts yet">
          {session.user.role === 'admin'
            ? 'Add the school’s bank accounts under Settings → Bank accounts, then read their statements here.'
            : 'An admin adds the school’s bank accounts under Settings → Bank accounts; their statements are read here.'}
        </Alert>
      ) : (
        <Paper withBorder p="md">
          <Stack>
            <Select
              label="Account"
              placeholder="Choose the account the statement is of"
              data={accounts.map((a) => ({ value: a.number, label: accountName(a) }))}
              value={number}
              onChange={(v) => {
                setNumber(v);
                setHeaders(null);
                setPreview(null);
                setConfirmed(null);
              }}
              allowDeselect={false}
              maw={520}
            />
            <FileToRead
              label="Statement file (XLSX or CSV, as the bank’s net banking exports it)"
              path={path}
              onPathChange={setPath}
              onRead={(from) => account && read(from)}
              onError={(e) => (e ? fail(e) : setError(null))}
            >
              {!columnsOfThisFile && (
                <Button onClick={() => read()} disabled={!path || !account} loading={reading}>
                  {asksColumns ? 'Read columns' : 'Read statement'}
                </Button>
              )}
            </FileToRead>
            {account?.layout === 'other' && account.mapping && !columnsAsked && path && (
              <Group>
                <Text size="sm">Read with the columns remembered from a {account.mapping.bank} statement.</Text>
                <Button size="xs" variant="default" onClick={() => readColumns(path, account.mapping!)}>
                  Change the columns…
                </Button>
              </Group>
            )}
            {headers && asksColumns && (
              <>
                <StatementColumns headers={headers.names} value={columns} onChange={setColumns} />
                <Group>
                  <Button onClick={() => dryRun(headers.of)} disabled={columnsProblem(columns) !== null} loading={reading}>
                    Read statement
                  </Button>
                  {account?.mapping && (
                    <Button variant="default" onClick={() => setHeaders(null)}>
                      Keep the remembered columns
                    </Button>
                  )}
                </Group>
              </>
            )}
            {reading && (
              <Text role="status" size="sm">
                Reading the file…
              </Text>
            )}
          </Stack>
        </Paper>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {confirmed && <ConfirmedLines confirmed={confirmed} money={money} />}
      {preview && (
        <Paper withBorder p="md" role="region" aria-label="Statement">
          <Stack>
            <Group justify="space-between" wrap="nowrap">
              <Title order={3}>
                {preview.bank} · {preview.account}
              </Title>
              <Button onClick={confirm} disabled={chosen.length === 0} loading={confirming}>
                Confirm {chosen.length} {chosen.length === 1 ? 'line' : 'lines'} · {money.format(total)}
              </Button>
            </Group>
            <Text size="sm" c="dimmed">
              Ticked lines go into the books when you confirm. Matches come ticked; a probable line waits for your tick, a line matching no
              one for its student.
            </Text>
            {refused && (
              <Alert color="red" title="Nothing was confirmed" role="alert" withCloseButton onClose={() => setRefused(null)}>
                {refused.message}
              </Alert>
            )}
            <StatementLines
              preview={preview}
              choices={choices}
              money={money}
              refusedRow={refused?.row ?? null}
              onChoice={(row, choice) => setChoices((all) => new Map(all).set(row, choice))}
              onBounce={setBouncing}
            />
          </Stack>
        </Paper>
      )}
      {bouncing && (
        <BounceModal
          receipt={bouncing}
          onClose={() => setBouncing(null)}
          // The statement read again: the returned cheque's line is now in the books, and the ticks stay as they were.
          onDone={() => dryRun(readFrom, lastRead)}
        />
      )}
    </Stack>
  );
}
