// A student's details as admission and editing both ask for them: the same boxes, labels and (main's) messages.
import { NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { Masters } from '../../../../shared/contract/masters';
import { DateField } from '../../components/DateField';

export interface StudentValues {
  admissionNo: string;
  fullName: string;
  classId: string;
  sectionId: string;
  guardianName: string;
  phone: string;
  phone2: string;
  email: string;
  categoryId: string;
  joinedOn: string;
}

/** What main takes from the boxes: an empty optional box is none. */
export const editableInput = (v: StudentValues) => ({
  fullName: v.fullName,
  classId: v.classId,
  sectionId: v.sectionId || null,
  guardianName: v.guardianName,
  phone: v.phone,
  phone2: v.phone2 || null,
  email: v.email || null,
  categoryId: v.categoryId || null,
});

/** `admission`: the admission no. and joining date are asked (they are fixed once dues exist, so editing shows them only). */
export function StudentFields({
  form,
  masters,
  admission,
}: {
  form: UseFormReturnType<StudentValues>;
  masters: Masters;
  admission: boolean;
}) {
  const sections = masters.classes.find((c) => c.id === form.values.classId)?.sections ?? [];
  const classProps = form.getInputProps('classId');
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }}>
      {admission && <TextInput label="Admission no." autoFocus {...form.getInputProps('admissionNo')} />}
      <TextInput label="Full name" autoFocus={!admission} {...form.getInputProps('fullName')} />
      {admission && <DateField label="Joined on" {...form.getInputProps('joinedOn')} />}
      <NativeSelect
        label="Class"
        data={masters.classes.map((c) => ({ value: c.id, label: c.name }))}
        {...classProps}
        onChange={(e) => {
          const classId = e.currentTarget.value;
          form.setFieldValue('classId', classId);
          // A section belongs to one class: the new class's first, or none.
          form.setFieldValue('sectionId', masters.classes.find((c) => c.id === classId)?.sections[0]?.id ?? '');
        }}
      />
      <NativeSelect
        label="Section"
        data={[{ value: '', label: '—' }, ...sections.map((s) => ({ value: s.id, label: s.name }))]}
        {...form.getInputProps('sectionId')}
      />
      <NativeSelect
        label="Category"
        data={[{ value: '', label: '—' }, ...masters.categories.map((c) => ({ value: c.id, label: c.name }))]}
        {...form.getInputProps('categoryId')}
      />
      <TextInput label="Guardian" {...form.getInputProps('guardianName')} />
      <TextInput label="Phone" {...form.getInputProps('phone')} />
      <TextInput label="Second phone (optional)" {...form.getInputProps('phone2')} />
      <TextInput label="Email (optional)" {...form.getInputProps('email')} />
    </SimpleGrid>
  );
}
