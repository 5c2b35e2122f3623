// The cashier's screen: find a student, see what is owed, take the money, preview the receipt.
import { Alert, Badge, Button, Checkbox, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Ledger, OpenDues, OpenItemView, PaymentSummary, Receipt } from '../../../../shared/contract/payments';
import type { StudentSummary } from '../../../../shared/contract/students';
import { allocate } from '../../../../shared/domain/allocation';
import { arrearsLabel } from '../../../../shared/domain/arrears';
import { defaultChoice, fallenDue, nextInstallment, sumBalances } from '../../../../shared/domain/due-now';
import { denominationsFor } from '../../../../shared/domain/denominations';
import { api, ApiError, request } from '../../api/client';
import { ApprovalModal } from '../../components/ApprovalModal';
import { downloadPdf } from '../../components/download';
import { moneyFor } from '../../components/money';
import { DuesTable } from './DuesTable';
import { DuesTotals } from './DuesTotals';
import { LedgerTable } from './LedgerTable';
import { type PaymentDraft, PaymentForm } from './PaymentForm';
import { RefundModal } from '../refunds/RefundModal';
import { printReceipt, ReceiptPreview } from './ReceiptPreview';
import { ReceiptsList } from './ReceiptsList';
import { StudentSearch } from './StudentSearch';

interface Loaded {
  dues: OpenDues;
  ledger: Ledger;
  receipts: PaymentSummary[];
  siblings: StudentSummary[];
}

async function load(studentIds: string[], familyId: string | null): Promise<Loaded> {
  const [dues, ledger, receipts, family] = await Promise.all([
    request(api().payments.openDues({ studentIds })),
    request(api().payments.ledger({ studentId: studentIds[0]! })),
    request(api().payments.list({ studentId: studentIds[0]!, limit: 50 })),
    familyId ? request(api().families.get({ familyId })) : Promise.resolve(null),
  ]);
  return { dues, ledger, receipts, siblings: family?.students.filter((s) => s.id !== studentIds[0]) ?? [] };
}

/** Ticked when a student opens: what has fallen due (fines to date among it), or the next installment if nothing has. */
const defaultKeys = (dues: OpenDues): Set<string> => new Set(defaultChoice(dues.items, dues.asOf).map((i) => i.key));

export function CollectScreen({ session, scanned }: { session: SessionInfo; scanned?: { student: StudentSummary; at: number } | null }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const searchRef = useRef<HTMLInputElement>(null);
  const [student, setStudent] = useState<StudentSummary | null>(null);
  const [withSiblings, setWithSiblings] = useState<string[]>([]);
  const [data, setData] = useState<Loaded | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [tab, setTab] = useState<string | null>('dues');
  const [waiving, setWaiving] = useState<OpenItemView | null>(null);
  const [refunding, setRefunding] = useState(false);
  const [printOnSave, setPrintOnSave] = useState(false);
  /** What became of the receipt printed on save (this desk prints on save). */
  const [printedOnSave, setPrintedOnSave] = useState<string | null>(null);
  const [denominations, setDenominations] = useState<number[]>(() => denominationsFor(session.school.currency));
  const [upiOn, setUpiOn] = useState(false);
  useEffect(() => {
    request(api().printing.preferences()).then(
      (p) => setPrintOnSave(p.printOnSave),
      () => setPrintOnSave(false),
    );
    request(api().settings.get()).then(
      (p) => {
        setDenominations(denominationsFor(session.school.currency, p.cashDenominations));
        setUpiOn(p.upiId !== '');
      },
      () => undefined,
    );
  }, [session.school.currency]);

  const open = useCallback(async (s: StudentSummary, siblings: string[] = []) => {
    setStudent(s);
    setTab('dues');
    setWithSiblings(siblings);
    setReceipt(null);
    setError(null);
    const loaded = await load([s.id, ...siblings], s.familyId);
    setData(loaded);
    setSelected(defaultKeys(loaded.dues));
    setFormKey((k) => k + 1);
  }, []);

  /** Reloads the open student's dues, ledger and receipts, staying on the same tab. */
  const refresh = async () => {
    if (!student) return;
    const loaded = await load([student.id, ...withSiblings], student.familyId);
    setData(loaded);
    setSelected(defaultKeys(loaded.dues));
    setFormKey((k) => k + 1);
  };

  /** Alt+N: the next installment too (a parent paying ahead), with the amount following. */
  const takeNext = () => {
    if (!data) return;
    const next = nextInstallment(data.dues.items, selected);
    if (next.length === 0) return;
    setSelected(new Set([...selected, ...next.map((i) => i.key)]));
    setFormKey((k) => k + 1);
  };

  useEffect(() => {
    // A scanned slip is an event from outside this screen: opening its student is the point.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (scanned) void open(scanned.student);
  }, [scanned, open]);

  const slip = async () => {
    if (!student) return;
    const { fileName, base64 } = await request(api().slips.print({ studentIds: [student.id], target: 'pdf' }));
    downloadPdf(fileName, base64);
  };

  const reset = () => {
    setStudent(null);
    setData(null);
    setReceipt(null);
    setError(null);
    setTimeout(() => searchRef.current?.focus(), 0);
  };
  useHotkeys(
    [
      ['Escape', reset],
      ['alt+1', () => setTab('dues')],
      ['alt+2', () => setTab('ledger')],
      ['alt+3', () => setTab('receipts')],
      ['alt+N', takeNext],
    ],
    [],
  );

  const chosen = data?.dues.items.filter((i) => selected.has(i.key)) ?? [];
  const suggested = sumBalances(chosen);
  const fallen = data ? fallenDue(data.dues.items, data.dues.asOf) : [];
  const later = data ? data.dues.items.length - fallen.length : 0;

  const save = async (draft: PaymentDraft) => {
    if (!student || !data || saving) return;
    setSaving(true);
    setError(null);
    try {
      // Only the ticked dues, oldest first; anything beyond them is kept as advance credit.
      const credit = data.dues.totals.credit > 0 ? data.dues.totals.credit : 0;
      const { allocations } = allocate(chosen, draft.amount + credit, { finesFirst: data.dues.finesFirst });
      const r = await request(
        api().payments.record({ studentIds: [student.id, ...withSiblings], amount: draft.amount, method: draft.method, allocations }),
      );
      // Saved (on disk) before anything prints; a print that fails leaves the receipt shown, saying why.
      setPrintedOnSave(
        printOnSave
          ? await printReceipt(r.paymentId, 'printer').then(
              () => 'Sent to the printer.',
              (e: Error) => `Not printed: ${e.message}`,
            )
          : null,
      );
      setReceipt(r);
      await refresh();
    } catch (err) {
      setError(
        err instanceof ApiError
          ? { message: err.message, field: err.field }
          : { message: err instanceof Error ? err.message : String(err) },
      );
    } finally {
      setSaving(false);
    }
  };

  const toggle = (key: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <Stack>
      <Title order={2}>Collect fees</Title>
      {!student && <StudentSearch ref={searchRef} onPick={(s) => void open(s)} />}
      {student && receipt && (
        <ReceiptPreview key={receipt.paymentId} receipt={receipt} money={money} onNext={reset} printed={printedOnSave} />
      )}
      {student && data && !receipt && (
        <Stack>
          {/* Pinned while the amount is typed: whose money this is stays in sight on a 1280×720 screen. */}
          <Paper
            withBorder
            p="md"
            shadow="xs"
            pos="sticky"
            top="var(--app-shell-header-offset, 56px)"
            style={{ zIndex: 3 }}
            aria-label="Student"
            role="region"
          >
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={3}>{student.fullName}</Title>
                <Text>
                  {student.admissionNo} · {student.className}
                  {student.section ? `-${student.section}` : ''} · Guardian {student.guardianName} · {student.phone}
                </Text>
              </div>
              <Group>
                <Button size="xs" variant="default" onClick={() => void slip()}>
                  Fee slip
                </Button>
                {student.status !== 'active' && <Badge color="gray.8">{student.status}</Badge>}
                {data.dues.totals.credit > 0 && <Badge color="teal.9">Advance credit {money.format(data.dues.totals.credit)}</Badge>}
                {data.dues.totals.credit < 0 && (
                  <Badge color="red.9">Owed from a reversed payment {money.format(-data.dues.totals.credit)}</Badge>
                )}
                <Button size="xs" variant="default" onClick={() => setRefunding(true)}>
                  Refund…
                </Button>
                <DuesTotals dues={data.dues} money={money} />
              </Group>
            </Group>
            {data.siblings.length > 0 && (
              <Group mt="sm">
                <Text size="sm">Family receipt with:</Text>
                {data.siblings.map((s) => (
                  <Checkbox
                    key={s.id}
                    label={`${s.fullName} (${s.className})`}
                    checked={withSiblings.includes(s.id)}
                    onChange={(e) =>
                      void open(student, e.currentTarget.checked ? [...withSiblings, s.id] : withSiblings.filter((id) => id !== s.id))
                    }
                  />
                ))}
              </Group>
            )}
          </Paper>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="dues">Dues (Alt+1)</Tabs.Tab>
              <Tabs.Tab value="ledger">Ledger (Alt+2)</Tabs.Tab>
              <Tabs.Tab value="receipts">Receipts ({data.receipts.length}) (Alt+3)</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="dues" pt="sm">
              <Stack>
                <DuesTable
                  dues={data.dues}
                  selected={selected}
                  onToggle={toggle}
                  onToggleAll={(on) => setSelected(new Set(on ? data.dues.items.map((i) => i.key) : []))}
                  onWaive={setWaiving}
                  money={money}
                />
                {nextInstallment(data.dues.items, selected).length > 0 && (
                  <Group justify="space-between">
                    <Text size="sm">
                      {later > 0
                        ? `${later} ${later === 1 ? 'due falls' : 'dues fall'} due later; ticked ones are paid, oldest first.`
                        : 'Ticked dues are paid, oldest first.'}
                    </Text>
                    <Button size="xs" variant="default" onClick={takeNext}>
                      Take the next installment too (Alt+N)
                    </Button>
                  </Group>
                )}
                <Paper withBorder p="md">
                  <PaymentForm
                    key={formKey}
                    suggested={suggested}
                    denominations={denominations}
                    money={money}
                    saving={saving}
                    error={error}
                    onSave={(d) => void save(d)}
                    requestUpi={
                      upiOn && student
                        ? (amount) => request(api().payments.upiRequest({ studentIds: [student.id, ...withSiblings], amount }))
                        : null
                    }
                  />
                </Paper>
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="ledger" pt="sm">
              <LedgerTable ledger={data.ledger} money={money} />
            </Tabs.Panel>
            <Tabs.Panel value="receipts" pt="sm">
              <ReceiptsList
                receipts={data.receipts}
                money={money}
                canBounce={session.user.role !== 'cashier'}
                onChanged={() => void refresh()}
              />
            </Tabs.Panel>
          </Tabs>
          {waiving && (
            <ApprovalModal
              title={`Waive ${waiving.arrears ? `${arrearsLabel(waiving.year)} · ` : ''}${waiving.installment} · ${waiving.head}`}
              action="Waive"
              amount={money.format(waiving.balance)}
              onClose={() => setWaiving(null)}
              onSubmit={async ({ reason, amountText, approver }) => {
                const amount = money.parse(amountText);
                if (amount === null) throw new Error('Enter the amount to waive');
                await request(api().payments.waive({ studentId: waiving.studentId, key: waiving.key, amount, reason, approver }));
                await refresh();
              }}
            />
          )}
          {refunding && (
            <RefundModal student={student} money={money} onClose={() => setRefunding(false)} onRefunded={() => void refresh()} />
          )}
        </Stack>
      )}
      {!student && (
        <Alert variant="light" title="Keyboard">
          Type to search · ↑ ↓ Enter to open · F2 saves a payment · Alt+1/2/3 dues, ledger, receipts · Esc starts over
        </Alert>
      )}
    </Stack>
  );
}
