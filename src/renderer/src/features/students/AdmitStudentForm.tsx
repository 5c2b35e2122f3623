import { Paper, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';
import { useDates } from '../../components/school';
import { editableInput, StudentFields, type StudentValues } from './StudentFields';

export function AdmitStudentForm({ masters, onAdmitted }: { masters: Masters; onAdmitted: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const dates = useDates();
  const firstClass = masters.classes[0];
  const form = useForm<StudentValues>({
    initialValues: {
      admissionNo: '',
      fullName: '',
      classId: firstClass?.id ?? '',
      sectionId: firstClass?.sections[0]?.id ?? '',
      guardianName: '',
      phone: '',
      phone2: '',
      email: '',
      categoryId: '',
      joinedOn: dates.today(),
    },
  });

  const submit = form.onSubmit(async (v) => {
    setFailure(null);
    try {
      await request(api().students.create({ ...editableInput(v), admissionNo: v.admissionNo, joinedOn: v.joinedOn }));
      form.reset();
      onAdmitted();
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} aria-label="Admit a student">
        <Stack>
          <Title order={4}>Admit a student</Title>
          <StudentFields form={form} masters={masters} admission />
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Admit" />
        </Stack>
      </form>
    </Paper>
  );
}
