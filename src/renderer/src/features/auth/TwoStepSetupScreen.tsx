// Where an admin or accountant without two-step sign-in lands after login: main lets their session do nothing else
// until it is on (two_step_required). Set it up here, keep the recovery codes, then continue into the app.
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';
import { sentence } from '../../api/form-errors';
import { CenteredCard } from '../../components/CenteredCard';
import { TwoStepForm } from '../settings/TwoStepForm';
import { LockScreen } from './LockScreen';

interface Props {
  session: SessionInfo;
  onDone: (session: SessionInfo) => void;
  onSessionChange: (session: SessionInfo) => void;
  onLoggedOut: () => void;
}

export function TwoStepSetupScreen({ session, onDone, onSessionChange, onLoggedOut }: Props) {
  const [enabled, setEnabled] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const logout = () => void request(api().auth.logout()).finally(onLoggedOut);
  const proceed = () =>
    request(api().auth.session()).then(
      (s) => (s ? onDone(s) : onLoggedOut()),
      (err: Error) => setFailure(sentence(err.message)),
    );

  return (
    <>
      <CenteredCard
        title="Set up two-step sign-in"
        subtitle={`${session.user.fullName} (${session.user.username}) · ${session.school.name}`}
        width={640}
      >
        <Stack>
          <Text>
            An {session.user.role} signs in with the password and a code from an authenticator app on their phone (Google Authenticator,
            Microsoft Authenticator, FreeOTP or similar). Set it up now to continue: nothing else opens until it is on.
          </Text>
          <TwoStepForm startAtOnce onEnabled={() => setEnabled(true)} />
          {failure && <Alert color="red">{failure}</Alert>}
          <Group justify="space-between">
            <Button variant="subtle" color="gray" onClick={logout}>
              Log out
            </Button>
            {enabled && <Button onClick={proceed}>I have kept the recovery codes: continue</Button>}
          </Group>
        </Stack>
      </CenteredCard>
      {session.locked && <LockScreen session={session} onUnlock={onSessionChange} onLogout={logout} />}
    </>
  );
}
