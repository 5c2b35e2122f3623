// One student opened from the register: their details and family, and (for those allowed) edit and mark as left; for a
// student who has left, what they still owe by year, or their no-dues certificate when nothing is.
import { Alert, Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Masters } from '../../../../shared/contract/masters';
import type { Owed, Student, StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { mayCall } from '../../components/access';
import { downloadPdf } from '../../components/download';
import type { MoneyFormat } from '../../components/money';
import { useDates } from '../../components/school';
import { StudentCharges } from '../charges/StudentCharges';
import { EditStudentForm } from './EditStudentForm';
import { LeaveForm } from './LeaveForm';
import { DepositsHeld } from '../refunds/DepositsHeld';
import { OwedByYear } from './OwedByYear';

type Family = { id: string; name: string; students: StudentSummary[] };

export const classOf = (s: { className: string; section: string | null }) => `${s.className}${s.section ? `-${s.section}` : ''}`;

interface Props {
  studentId: string;
  masters: Masters;
  session: SessionInfo;
  money: MoneyFormat;
  onChanged: () => void;
  onClose: () => void;
}

export function StudentPanel({ studentId, masters, session, money, onChanged, onClose }: Props) {
  const dates = useDates();
  const [student, setStudent] = useState<Student | null>(null);
  const [family, setFamily] = useState<Family | null>(null);
  const [mode, setMode] = useState<'view' | 'edit' | 'leave'>('view');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [owedFor, setOwedFor] = useState<{ key: string; owed: Owed } | null>(null);
  const [printing, setPrinting] = useState(false);
  const role = session.user.role;
  const leftOn = student?.leftOn ?? null;
  const owedKey = `${studentId}:${leftOn}`;
  const owed = leftOn && owedFor?.key === owedKey ? owedFor.owed : null;

  const load = useCallback(() => {
    const fail = (e: Error) => setNote({ ok: false, text: sentence(e.message) });
    request(api().students.get({ studentId })).then((s) => {
      setStudent(s);
      if (!s.familyId) return setFamily(null);
      request(api().families.get({ familyId: s.familyId })).then(setFamily, fail);
    }, fail);
  }, [studentId]);
  useEffect(load, [load]);

  // What a left student still owes: the preview of leaving on the day they left, which waives nothing more.
  useEffect(() => {
    if (!leftOn || !mayCall(role, 'students.leavePreview')) return;
    let live = true;
    request(api().students.leavePreview({ studentId, leftOn })).then(
      (p) => live && setOwedFor({ key: `${studentId}:${leftOn}`, owed: p.owed }),
      (e: Error) => live && setNote({ ok: false, text: sentence(e.message) }),
    );
    return () => {
      live = false;
    };
  }, [studentId, leftOn, role]);

  const certificate = async () => {
    setPrinting(true);
    try {
      const c = await request(api().students.noDuesCertificate({ studentId, target: 'pdf' }));
      downloadPdf(c.fileName, c.base64);
      setNote({
        ok: true,
        text:
          c.copyNo === 1
            ? `No-dues certificate ${c.certificateNo} saved.`
            : `No-dues certificate ${c.certificateNo}: copy ${c.copyNo} saved (marked DUPLICATE).`,
      });
    } catch (err) {
      setNote({ ok: false, text: sentence((err as Error).message) });
    } finally {
      setPrinting(false);
    }
  };

  if (!student) return note ? <Alert color="red">{note.text}</Alert> : null;
  const done = (text: string) => {
    setMode('view');
    setNote({ ok: true, text });
    load();
    onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-label={`Student ${student.fullName}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Group gap="xs">
              <Title order={3}>{student.fullName}</Title>
              <Badge color={student.status === 'active' ? 'teal.9' : 'gray.8'}>{student.status}</Badge>
            </Group>
            <Text>
              Adm. no. {student.admissionNo} · {classOf(student)} · joined {dates.date(student.joinedOn)}
              {student.leftOn && ` · left ${dates.date(student.leftOn)}`}
            </Text>
            <Text>
              Guardian: {student.guardianName} · Phone: {student.phone}
              {student.phone2 && `, ${student.phone2}`}
              {student.email && ` · ${student.email}`}
              {student.categoryId && ` · ${masters.categories.find((c) => c.id === student.categoryId)?.name ?? ''}`}
            </Text>
          </Stack>
          {mode === 'view' && (
            <Group gap="xs">
              {mayCall(role, 'students.update') && (
                <Button variant="default" onClick={() => setMode('edit')}>
                  Edit details
                </Button>
              )}
              {mayCall(role, 'students.leave') && student.status === 'active' && (
                <Button variant="default" color="red.8" onClick={() => setMode('leave')}>
                  Mark as left…
                </Button>
              )}
              {owed?.total === 0 && mayCall(role, 'students.noDuesCertificate') && (
                <Button variant="default" loading={printing} onClick={() => void certificate()}>
                  No-dues certificate
                </Button>
              )}
              <Button variant="subtle" onClick={onClose}>
                Close
              </Button>
            </Group>
          )}
        </Group>
        {note &&
          (note.ok ? (
            <Text c="teal.9" role="status">
              {note.text}
            </Text>
          ) : (
            <Alert color="red">{note.text}</Alert>
          ))}
        {mode === 'view' && owed && <OwedByYear owed={owed} money={money} who={student.fullName} left />}
        {mode === 'view' && owed && <DepositsHeld studentId={student.id} who={student.fullName} money={money} />}
        {mode === 'view' && (
          <StudentCharges student={{ studentId, fullName: student.fullName }} role={role} money={money} onChanged={onChanged} />
        )}
        {mode === 'edit' && (
          <EditStudentForm
            key={student.version}
            student={student}
            masters={masters}
            onSaved={(s) => done(`${s.fullName}: changes saved.`)}
            onCancel={() => setMode('view')}
          />
        )}
        {mode === 'leave' && <LeaveForm student={student} money={money} onLeft={done} onCancel={() => setMode('view')} />}
        {mode === 'view' && (
          <section aria-label="Family">
            {family ? (
              <>
                <Title order={5}>Family: {family.name}</Title>
                <List size="sm">
                  {family.students.map((m) => (
                    <List.Item key={m.id}>
                      {m.fullName} · {classOf(m)} · {m.admissionNo}
                      {m.id === student.id && ' (this student)'}
                      {m.status !== 'active' && ` · ${m.status}`}
                    </List.Item>
                  ))}
                </List>
              </>
            ) : (
              <Text size="sm">
                Not in a family.
                {mayCall(role, 'families.create') &&
                  ' To group brothers and sisters (one receipt for all, family concessions), tick them in the list and press “Group as a family”.'}
              </Text>
            )}
          </section>
        )}
      </Stack>
    </Paper>
  );
}
