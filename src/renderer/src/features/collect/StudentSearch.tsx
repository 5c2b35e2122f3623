// Type two or three letters (name, admission no. or phone); arrow keys and Enter pick a student.
import { Badge, Box, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { forwardRef, useEffect, useState } from 'react';
import type { StudentSummary } from '../../../../shared/contract/students';
import { api, request } from '../../api/client';

interface Props {
  onPick: (student: StudentSummary) => void;
}

export const StudentSearch = forwardRef<HTMLInputElement, Props>(function StudentSearch({ onPick }, ref) {
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 80);
  const [results, setResults] = useState<StudentSummary[]>([]);
  const [resultsFor, setResultsFor] = useState('');
  const [active, setActive] = useState(0);
  // Enter pressed before the results came back (a fast typist): open the first match when they do.
  const [pickWhenReady, setPickWhenReady] = useState(false);

  useEffect(() => {
    let live = true;
    if (debounced.trim().length < 2) {
      setResults([]);
      return;
    }
    request(api().students.search({ query: debounced, limit: 12 })).then((found) => {
      if (!live) return;
      setResults(found);
      setResultsFor(debounced);
      setActive(0);
    }, () => live && setResults([]));
    return () => {
      live = false;
    };
  }, [debounced]);

  const pick = (s: StudentSummary | undefined) => {
    if (!s) return;
    setPickWhenReady(false);
    onPick(s);
    setQuery('');
    setResults([]);
  };

  const fresh = resultsFor === query && results.length > 0;
  useEffect(() => {
    if (pickWhenReady && fresh) pick(results[0]);
    // pick is recreated each render; results and freshness are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pickWhenReady, fresh, results]);

  return (
    <Stack gap="xs">
      <TextInput
        ref={ref}
        label="Find a student"
        description="Name, admission no. or phone · ↑ ↓ to move, Enter to open"
        placeholder="e.g. aar sha"
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setPickWhenReady(false);
        }}
        role="combobox"
        aria-expanded={results.length > 0}
        aria-controls="student-results"
        aria-activedescendant={results[active] ? `student-${results[active]!.id}` : undefined}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (fresh) pick(results[active]);
            else if (query.trim().length >= 2) setPickWhenReady(true);
          }
        }}
      />
      {results.length > 0 && (
        <Paper withBorder component="ul" id="student-results" role="listbox" aria-label="Matching students" p={4} m={0} style={{ listStyle: 'none' }}>
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
