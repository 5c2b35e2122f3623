// Type two or three letters (name, admission no. or phone); arrow keys and Enter pick a student.
import { Badge, Box, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { forwardRef, useEffect, useState } from 'react';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';

interface Props {
  onPick: (student: StudentSummary) => void;
  /** Where the search is the screen's first task (Collect), the cursor starts in it. */
  autoFocus?: boolean;
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * How many results match every typed word at the start of a word of their name ("diy" → Diya Nair and Diya Rao): with
 * two or more, one Enter could open the wrong child, so the first Enter asks for a second.
 */
export function closeMatches(query: string, results: readonly StudentSummary[]): number {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  return results.filter((s) => {
    const name = fold(s.fullName).split(/\s+/);
    return words.every((w) => name.some((n) => n.startsWith(w)));
  }).length;
}

export const StudentSearch = forwardRef<HTMLInputElement, Props>(function StudentSearch({ onPick, autoFocus = true }, ref) {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 80);
  const [results, setResults] = useState<StudentSummary[]>([]);
  const [resultsFor, setResultsFor] = useState('');
  const [active, setActive] = useState(0);
  // Enter pressed before the results came back (a fast typist): open the first match when they do.
  const [pickWhenReady, setPickWhenReady] = useState(false);
  // The student a first Enter chose among close matches: a second Enter opens them.
  const [armed, setArmed] = useState<string | null>(null);
  // Arrow keys are a choice made on purpose: Enter then opens at once.
  const [moved, setMoved] = useState(false);

  useEffect(() => {
    let live = true;
    if (debounced.trim().length < 2) {
      setResults([]);
      return;
    }
    request(api().students.search({ query: debounced, limit: 12 })).then(
      (found) => {
        if (!live) return;
        setResults(found);
        setResultsFor(debounced);
        setActive(0);
      },
      () => live && setResults([]),
    );
    return () => {
      live = false;
    };
  }, [debounced]);

  /** Opens the student, or — among close matches, on the first Enter — asks for a second one. */
  const confirmOrPick = (s: StudentSummary | undefined) => {
    if (!s) return;
    if (!moved && armed !== s.id && closeMatches(query, results) > 1) {
      setPickWhenReady(false);
      setArmed(s.id);
      return;
    }
    pick(s);
  };

  const pick = (s: StudentSummary | undefined) => {
    if (!s) return;
    setPickWhenReady(false);
    setArmed(null);
    onPick(s);
    setQuery('');
    setResults([]);
  };

  const fresh = resultsFor === query && results.length > 0;
  const armedStudent = armed ? results.find((r) => r.id === armed) : undefined;
  useEffect(() => {
    if (pickWhenReady && fresh) confirmOrPick(results[0]);
    // confirmOrPick is recreated each render; results and freshness are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pickWhenReady, fresh, results]);

  return (
    <Stack gap="xs">
      <TextInput
        ref={ref}
        label="Find a student"
        description="Name, admission no. or phone · ↑ ↓ to move, Enter to open"
        placeholder="e.g. aar sha"
        autoFocus={autoFocus}
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setPickWhenReady(false);
          setArmed(null);
          setMoved(false);
        }}
        role="combobox"
        aria-expanded={results.length > 0}
        aria-controls="student-results"
        aria-activedescendant={results[active] ? `student-${results[active]!.id}` : undefined}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setMoved(true);
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setMoved(true);
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (fresh) confirmOrPick(results[active]);
            else if (query.trim().length >= 2) setPickWhenReady(true);
          }
        }}
      />
      {armedStudent && (
        <Text role="status" fw={600}>
          {closeMatches(query, results)} students match “{query.trim()}”: Enter again opens {armedStudent.fullName} (
          {armedStudent.className}
          {armedStudent.section ? `-${armedStudent.section}` : ''}, {armedStudent.admissionNo}); ↓ ↑ choose another.
        </Text>
      )}
      {results.length > 0 && (
        <Paper
          withBorder
          component="ul"
          id="student-results"
          role="listbox"
          aria-label="Matching students"
          p={4}
          m={0}
          style={{ listStyle: 'none' }}
        >
          {results.map((s, i) => (
            // The option itself takes the click: a button inside an option is a control inside a control (axe nested-interactive).
            <Box
              component="li"
              key={s.id}
              id={`student-${s.id}`}
              role="option"
              aria-selected={i === active}
              p="xs"
              bg={i === active ? 'blue.0' : undefined}
              style={{ cursor: 'pointer' }}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(s)}
            >
              <Group justify="space-between" wrap="nowrap">
                <div>
                  <Text fw={600}>{s.fullName}</Text>
                  <Text size="sm">
                    {s.admissionNo} · {s.className}
                    {s.section ? `-${s.section}` : ''} · {s.guardianName}
                  </Text>
                </div>
                {s.status !== 'active' && <Badge color="gray.8">{s.status}</Badge>}
              </Group>
            </Box>
          ))}
        </Paper>
      )}
    </Stack>
  );
});
