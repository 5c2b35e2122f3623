// Which screen the desk shows: store passphrase, first-run setup, login, or the app (with its lock).
import { Alert, Center, Loader } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../shared/contract/auth';
import { api, onSessionInterrupted, request } from './api/client';
import { LoginScreen } from './features/auth/LoginScreen';
import { HomeShell } from './features/home/HomeShell';
import { SetupWizard } from './features/setup/SetupWizard';
import { StoreUnlockScreen } from './features/store/StoreUnlockScreen';

type Stage =
  | { kind: 'loading' }
  | { kind: 'store'; isNew: boolean }
  | { kind: 'setup' }
  | { kind: 'login'; schoolName: string; deskCode: string }
  | { kind: 'app'; session: SessionInfo }
  | { kind: 'failed'; message: string };

async function currentStage(): Promise<Stage> {
  const store = await request(api().store.status());
  if (store.state !== 'open') return { kind: 'store', isNew: store.state === 'new_passphrase' };
  const setup = await request(api().setup.status());
  if (!setup.initialized || !setup.school) return { kind: 'setup' };
  const session = await request(api().auth.session());
  if (!session) return { kind: 'login', schoolName: setup.school.name, deskCode: setup.deskCode ?? '' };
  return { kind: 'app', session };
}

export function App() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });

  const refresh = useCallback(() => {
    currentStage()
      .then(setStage)
      .catch((err: unknown) => setStage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
  }, []);

  useEffect(refresh, [refresh]);
  useEffect(
    () =>
      onSessionInterrupted({
        locked: () => setStage((s) => (s.kind === 'app' ? { ...s, session: { ...s.session, locked: true } } : s)),
        loggedOut: refresh,
      }),
    [refresh],
  );

  switch (stage.kind) {
    case 'loading':
      return (
        <Center h="100vh">
          <Loader aria-label="Loading" />
        </Center>
      );
    case 'failed':
      return (
        <Center h="100vh">
          <Alert color="red" title="FeeDesk could not start">
            {stage.message}
          </Alert>
        </Center>
      );
    case 'store':
      return <StoreUnlockScreen isNew={stage.isNew} onOpen={refresh} />;
    case 'setup':
      return <SetupWizard onDone={(session) => setStage({ kind: 'app', session })} />;
    case 'login':
      return (
        <LoginScreen
          schoolName={stage.schoolName}
          deskCode={stage.deskCode}
          onLogin={(session) => setStage({ kind: 'app', session })}
        />
      );
    case 'app':
      return (
        <HomeShell
          session={stage.session}
          onSessionChange={(session) => setStage({ kind: 'app', session })}
          onLoggedOut={refresh}
        />
      );
  }
}
