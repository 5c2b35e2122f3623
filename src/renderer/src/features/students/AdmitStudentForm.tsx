import { NativeSelect, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { FormFooter, failureNote } from '../../components/FormFooter';
import { DateField } from '../../components/DateField';
import { useDates } from '../../components/school';

export function AdmitStudentForm({ masters, onAdmitted }: { masters: Masters; onAdmitted: () => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const dates = useDates();
  const firstClass = masters.classes[0];
  const form = useForm({
    initialValues: {
      admissionNo: '',
      fullName: '',
      classId: firstClass?.id ?? '',
      sectionId: firstClass?.sections[0]?.id ?? '',
      guardianName: '',
      phone: '',
      email: '',
      categoryId: '',
      joinedOn: dates.today(),
    },
  });
  const sections = masters.classes.find((c) => c.id === form.values.classId)?.sections ?? [];

  const submit = form.onSubmit(async (v) => {
    setFailure(null);
    try {
      await request(api().students.create({ ...v, sectionId: v.sectionId || null, email: v.email || null, categoryId: v.categoryId || null }));
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
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Admission no." autoFocus {...form.getInputProps('admissionNo')} />
            <TextInput label="Full name" {...form.getInputProps('fullName')} />
            <DateField label="Joined on" {...form.getInputProps('joinedOn')} />
            <NativeSelect label="Class" data={masters.classes.map((c) => ({ value: c.id, label: c.name }))} {...form.getInputProps('classId')} />
            <NativeSelect label="Section" data={[{ value: '', label: '—' }, ...sections.map((s) => ({ value: s.id, label: s.name }))]} {...form.getInputProps('sectionId')} />
            <NativeSelect label="Category" data={[{ value: '', label: '—' }, ...masters.categories.map((c) => ({ value: c.id, label: c.name }))]} {...form.getInputProps('categoryId')} />
            <TextInput label="Guardian" {...form.getInputProps('guardianName')} />
            <TextInput label="Phone" {...form.getInputProps('phone')} />
            <TextInput label="Email (optional)" {...form.getInputProps('email')} />
          </SimpleGrid>
          <FormFooter note={failureNote(failure)} submitting={form.submitting} label="Admit" />
        </Stack>
      </form>
    </Paper>
  );
}
