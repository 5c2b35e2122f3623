// Two-step sign-in for the logged-in user: scan the QR code (or type the key) into an authenticator app, confirm with
// its first code, keep the ten recovery codes shown once. Turning it off is for another admin (Users). Also the body of
// the set-up screen an admin or accountant without it lands on after login (features/auth/TwoStepSetupScreen).
import { Alert, Button, Code, Group, List, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';

type Status = { enabled: boolean; recoveryCodesLeft: number };

/** `startAtOnce`: show the key straight away when it is off; `onEnabled`: told once it is on. */
export function TwoStepForm({ startAtOnce = false, onEnabled }: { startAtOnce?: boolean; onEnabled?: () => void } = {}) {
  const [status, setStatus] = useState<Status | null>(null);
  const [setup, setSetup] = useState<{ key: string; qrSvg: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const fail = (err: Error) => setFailure(sentence(err.message));
  const begin = () => {
    setFailure(null);
    request(api().auth.totpBegin()).then(setSetup, fail);
  };
  useEffect(() => {
    request(api().auth.totpStatus()).then((s) => {
      setStatus(s);
      if (startAtOnce && !s.enabled) begin();
    }, fail);
    // Once, on opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const confirm = () => {
    setFailure(null);
    request(api().auth.totpConfirm({ code }))
      .then(({ recoveryCodes }) => {
        setCodes(recoveryCodes);
        setSetup(null);
        onEnabled?.();
        return request(api().auth.totpStatus()).then(setStatus);
      })
      .catch(fail);
  };

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={4}>Two-step sign-in</Title>
        {status?.enabled && !codes && (
          <Text>
            On: logging in and approving need the code from your authenticator app. {status.recoveryCodesLeft} recovery codes left. Lost
            your phone? Another admin can reset it under Users.
          </Text>
        )}
        {status && !status.enabled && !setup && !startAtOnce && (
          <Group>
            <Text>Off. Admins and accountants should turn it on.</Text>
            <Button variant="default" onClick={begin}>
              Set up two-step sign-in
            </Button>
          </Group>
        )}
        {setup && (
          <SimpleGrid cols={2}>
            {/* The SVG is made by FeeDesk's own QR encoder in main from the otpauth link: no remote content. */}
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(setup.qrSvg)}`}
              alt="QR code for your authenticator app"
              width={180}
              height={180}
            />
            <Stack gap="xs">
              <Text size="sm">Scan it with an authenticator app, or type this key:</Text>
              <Code aria-label="Key for your authenticator app">{setup.key}</Code>
              <TextInput
                label="Code the app shows now"
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                inputMode="numeric"
                autoComplete="one-time-code"
              />
              <Button onClick={confirm} disabled={!/^\d{6}$/.test(code.trim())}>
                Turn on
              </Button>
            </Stack>
          </SimpleGrid>
        )}
        {codes && (
          <Alert color="teal" title="Two-step sign-in is on">
            <Text size="sm">
              Keep these recovery codes somewhere safe: each lets you log in once without your phone. They are not shown again.
            </Text>
            <List size="sm" aria-label="Recovery codes">
              {codes.map((c) => (
                <List.Item key={c}>
                  <Code>{c}</Code>
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {failure && <Alert color="red">{failure}</Alert>}
      </Stack>
    </Paper>
  );
}
