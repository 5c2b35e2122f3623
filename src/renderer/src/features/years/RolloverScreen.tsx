// Year-end rollover (admin): the plan, then its review on one screen (written nowhere), then the rollover with a second
// person's approval, and what it did.
import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { RolloverReview as Review } from '../../../../shared/contract/years';
import { ApiError, api, request } from '../../api/client';
import { messageForField, sentence } from '../../api/form-errors';
import { moneyFor } from '../../components/money';
import { useDates } from '../../components/school';
import { ExceptionsPanel } from './ExceptionsPanel';
import { PlanForm } from './PlanForm';
import { type Draft, initialDraft, placeOf, planOf, type RolloverPlan } from './rollover-draft';
import { RolloverApproval, type RolloverResult } from './RolloverApproval';
import { RolloverReview } from './RolloverReview';

export function RolloverScreen({ session }: { session: SessionInfo }) {
  const money = useMemo(() => moneyFor(session.school), [session.school]);
  const dates = useDates();
  const [masters, setMasters] = useState<Masters | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [reviewed, setReviewed] = useState<{ plan: RolloverPlan; review: Review } | null>(null);
  const [approving, setApproving] = useState(false);
  const [result, setResult] = useState<RolloverResult | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const planArea = useRef<HTMLDivElement>(null);

  useEffect(() => {
    request(api().masters.get()).then(
      (m) => {
        setMasters(m);
        setDraft(initialDraft(m));
      },
      (e: Error) => setGeneral(sentence(e.message)),
    );
  }, []);
  // A new stage's heading takes the focus (where a keyboard user goes on from); a refusal, the field it names.
  useEffect(() => {
    if (!heading.current) return;
    // From the top: focus alone would leave the heading under the app's fixed header.
    window.scrollTo({ top: 0 });
    heading.current.focus({ preventScroll: true });
  }, [reviewed, result]);
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const marked = planArea.current?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
    marked?.scrollIntoView({ block: 'center' });
    if (marked?.matches('input, select')) marked.focus();
  }, [errors]);

  /** A change to the plan: what main said of the plan before no longer holds. */
  const change = (update: (d: Draft) => Draft) => {
    setDraft((d) => (d ? update(d) : d));
    setErrors({});
  };

  /** A refusal on the field it names, or above the plan. */
  const refused = (err: unknown, plan: RolloverPlan) => {
    const place = err instanceof ApiError ? placeOf(err.field, plan) : null;
    setErrors(place ? { [place]: messageForField(err as ApiError) } : {});
    setGeneral(place ? null : sentence(err instanceof Error ? err.message : String(err)));
  };

  const review = async () => {
    if (!draft || !masters) return;
    setGeneral(null);
    const made = planOf(draft, masters);
    if ('errors' in made) return setErrors(made.errors);
    setErrors({});
    setPreviewing(true);
    try {
      setReviewed({ plan: made.plan, review: await request(api().years.rolloverPreview(made.plan)) });
    } catch (err) {
      refused(err, made.plan);
    } finally {
      setPreviewing(false);
    }
  };

  if (result)
    return (
      <RolloverReview
        review={result}
        money={money}
        heading={
          <>
            <Title order={2} ref={heading} tabIndex={-1}>
              Rolled over: {result.toYear.name} is the current year
            </Title>
            {result.alreadyDone ? (
              <Alert color="blue.9" role="status" title="Done before">
                {result.fromYear.name} had been rolled over already, on {dates.dateTime(result.at)}: nothing was written again. This is what
                that rollover did ({result.duesCreated} dues created).
              </Alert>
            ) : (
              <Alert color="teal.9" role="status">
                {result.fromYear.name} is closed and {result.toYear.name} is the current year (other desks follow when they sync).{' '}
                {result.duesCreated} dues were created for {result.toYear.name}.
              </Alert>
            )}
          </>
        }
      />
    );

  if (reviewed)
    return (
      <>
        <RolloverReview
          review={reviewed.review}
          money={money}
          heading={
            <Group justify="space-between" wrap="nowrap">
              <Stack gap={0}>
                <Title order={2} ref={heading} tabIndex={-1}>
                  Review: {reviewed.review.fromYear.name} → {reviewed.review.toYear.name}
                </Title>
                <Text size="sm">Nothing has been written yet.</Text>
              </Stack>
              <Group gap="xs" wrap="nowrap">
                <Button variant="default" onClick={() => setReviewed(null)}>
                  Back to the plan
                </Button>
                <Button onClick={() => setApproving(true)}>Roll over…</Button>
              </Group>
            </Group>
          }
        />
        {approving && (
          <RolloverApproval
            plan={reviewed.plan}
            fromName={reviewed.review.fromYear.name}
            toName={reviewed.review.toYear.name}
            onClose={() => setApproving(false)}
            onDone={(done) => {
              setApproving(false);
              setResult(done);
            }}
            onPlanRefused={(err) => {
              setApproving(false);
              setReviewed(null);
              refused(err, reviewed.plan);
            }}
          />
        )}
      </>
    );

  const current = masters?.years.find((y) => y.id === draft?.fromYearId);
  return (
    <Stack ref={planArea}>
      <Title order={2}>Year-end rollover</Title>
      {general && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setGeneral(null)}>
          {general}
        </Alert>
      )}
      {!masters && !general && (
        <Group role="status">
          <Loader size="sm" />
          <Text>Loading the school’s years and classes…</Text>
        </Group>
      )}
      {masters && !draft && <Alert color="blue.9">There is no current year to roll over: make one current under Fee set-up.</Alert>}
      {masters && draft && current && (
        <>
          <Text>
            Closes {current.name} ({dates.date(current.startsOn)} – {dates.date(current.endsOn)}) and starts the next year: its fee
            structures copied, every student moved up, and the new year’s dues made. You see the whole of it before anything is written.
          </Text>
          <PlanForm
            masters={masters}
            draft={draft}
            onChange={change}
            errors={errors}
            currency={session.school.currency}
            locale={session.school.locale}
          />
          <ExceptionsPanel masters={masters} draft={draft} onChange={change} errors={errors} />
          <Group justify="flex-end">
            <Button onClick={() => void review()} loading={previewing}>
              Review the rollover
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
