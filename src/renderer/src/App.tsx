// Which screen the desk shows: store passphrase, first-run setup, login, two-step set-up (an admin or accountant
// without it can do nothing else), or the app (with its lock).
import { Alert, Center, Loader } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionInfo } from '../../shared/contract/auth';
import { ApiError, api, onSessionInterrupted, request } from './api/client';
import { LoginScreen } from './features/auth/LoginScreen';
import { TwoStepSetupScreen } from './features/auth/TwoStepSetupScreen';
import { HomeShell } from './features/home/HomeShell';
import { SetupWizard } from './features/setup/SetupWizard';
import { StoreUnlockScreen } from './features/store/StoreUnlockScreen';

type Stage =
  | { kind: 'loading' }
  | { kind: 'store'; isNew: boolean }
  | { kind: 'setup' }
  | { kind: 'login'; schoolName: string; deskCode: string; notice: string | null }
  | { kind: 'twoStep'; session: SessionInfo }
  | { kind: 'app'; session: SessionInfo }
  | { kind: 'failed'; message: string };

/** A logged-in session opens the app, or the two-step set-up first when main says it is required. */
const stageOf = (session: SessionInfo): Stage => (session.twoStepSetupRequired ? { kind: 'twoStep', session } : { kind: 'app', session });

/** The session, or null when there is none (or it has just ended after its 12 hours: `expired` says so). */
async function currentSession(): Promise<{ session: SessionInfo | null; expired: string | null }> {
  try {
    return { session: await request(api().auth.session()), expired: null };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'session_expired') return { session: null, expired: err.message };
    throw err;
  }
}

async function currentStage(notice: string | null = null): Promise<Stage> {
  const store = await request(api().store.status());
  if (store.state !== 'open') return { kind: 'store', isNew: store.state === 'new_passphrase' };
  const setup = await request(api().setup.status());
  if (!setup.initialized || !setup.school) return { kind: 'setup' };
  const { session, expired } = await currentSession();
  if (!session) return { kind: 'login', schoolName: setup.school.name, deskCode: setup.deskCode ?? '', notice: expired ?? notice };
  return stageOf(session);
}

export function App() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });

  // Why the session ended, kept until the next login: several calls may be refused as the session ends.
  const notice = useRef<string | null>(null);
  const refresh = useCallback((reason?: string) => {
    if (reason) notice.current = reason;
    currentStage(notice.current)
      .then(setStage)
      .catch((err: unknown) => setStage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
  }, []);

  useEffect(() => refresh(), [refresh]);
  useEffect(
    () =>
      onSessionInterrupted({
        locked: () => setStage((s) => (s.kind === 'app' || s.kind === 'twoStep' ? { ...s, session: { ...s.session, locked: true } } : s)),
        loggedOut: (reason) => refresh(reason),
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
      return <SetupWizard onDone={(session) => setStage(stageOf(session))} />;
    case 'login':
      return (
        <LoginScreen
          schoolName={stage.schoolName}
          deskCode={stage.deskCode}
          notice={stage.notice}
          onLogin={(session) => {
            notice.current = null;
            setStage(stageOf(session));
          }}
        />
      );
    case 'twoStep':
      return (
        <TwoStepSetupScreen
          session={stage.session}
          onDone={(session) => setStage(stageOf(session))}
          onSessionChange={(session) => setStage({ kind: 'twoStep', session })}
          onLoggedOut={() => refresh()}
        />
      );
    case 'app':
      return (
        <HomeShell
          session={stage.session}
          onSessionChange={(session) => setStage({ kind: 'app', session })}
          onLoggedOut={() => refresh()}
        />
      );
  }
}
