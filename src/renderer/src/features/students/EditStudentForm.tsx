// Editing a student's details: the admission form's boxes and messages; the admission no. and joining date stay.
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import type { Masters } from '../../../../shared/contract/masters';
import type { Student } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';
import { showApiError } from '../../api/form-errors';
import { editableInput, StudentFields, type StudentValues } from './StudentFields';

export function EditStudentForm({
  student,
  masters,
  onSaved,
  onCancel,
}: {
  student: Student;
  masters: Masters;
  onSaved: (s: Student) => void;
  onCancel: () => void;
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<StudentValues>({
    initialValues: {
      admissionNo: student.admissionNo,
      fullName: student.fullName,
      classId: student.classId,
      sectionId: student.sectionId ?? '',
      guardianName: student.guardianName,
      phone: student.phone,
      phone2: student.phone2 ?? '',
      email: student.email ?? '',
      categoryId: student.categoryId ?? '',
      joinedOn: student.joinedOn,
    },
  });

  const submit = form.onSubmit(async (v) => {
    setFailure(null);
    try {
      onSaved(
        await request(
          api().students.update({ studentId: student.id, version: student.version, familyId: student.familyId, ...editableInput(v) }),
        ),
      );
    } catch (err) {
      setFailure(showApiError(form, err));
    }
  });

  return (
    <form onSubmit={submit} aria-label={`Edit ${student.fullName}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Edit details</Title>
          <Text size="sm">Admission no. {student.admissionNo} and the joining date cannot change once dues exist.</Text>
        </Group>
        <StudentFields form={form} masters={masters} admission={false} />
        {failure && <Alert color="red">{failure}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
