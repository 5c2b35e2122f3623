// Fee due ids: the same on every desk for the same student × installment × head, distinct otherwise, valid UUIDs.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { feeDueId } from '../../src/main/db/sql-functions';

describe('feeDueId', () => {
  const student = '3f1c2b4a-9d8e-4f70-a1b2-c3d4e5f60718';
  const installment = randomUUID();
  const head = randomUUID();

  it('is a valid UUID that starts with the student id, and the same each time', () => {
    const id = feeDueId(student, installment, head);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id.startsWith('3f1c2b4a-9d8e-5')).toBe(true);
    expect(feeDueId(student, installment, head)).toBe(id);
  });

  it('differs when any of the three differs, even for students whose ids share a long prefix', () => {
    const ids = new Set<string>();
    for (let n = 1; n <= 300; n++) {
      const s = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
      for (const i of ['a', 'b', 'c']) for (const h of ['x', 'y']) ids.add(feeDueId(s, `${installment}${i}`, `${head}${h}`));
    }
    expect(ids.size).toBe(300 * 3 * 2);
  });
});
