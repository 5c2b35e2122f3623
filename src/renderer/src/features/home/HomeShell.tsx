// The logged-in frame: header, navigation by role, idle lock, and the current page.
import { Alert, AppShell, Badge, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useIdle } from '@mantine/hooks';
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { SessionInfo } from '../../../../shared/contract/auth';
import type { Role } from '../../../../shared/contract/channel';
import { api, request } from '../../api/client';
import { AuditScreen } from '../audit/AuditScreen';
import { BackupsScreen } from '../backup/BackupsScreen';
import { CollectScreen } from '../payments/CollectScreen';
import { ConcessionsScreen } from '../concessions/ConcessionsScreen';
import { FeesScreen } from '../fees/FeesScreen';
import { StudentsScreen } from '../students/StudentsScreen';
import { LockScreen } from '../auth/LockScreen';
import { ClockBehindBanner } from '../auth/ClockBehindBanner';
import { SettingsScreen } from '../settings/SettingsScreen';
import { UsersScreen } from '../users/UsersScreen';
import { VerifyScreen } from '../verify/VerifyScreen';
import { SyncLight } from '../sync/SyncLight';
import { SyncScreen } from '../sync/SyncScreen';
import { useSyncStatus } from '../sync/useSyncStatus';
import type { StudentSummary } from '../../../../shared/contract/students';
import { sentence } from '../../api/form-errors';
import { useSlipScanner } from '../../components/slip-scanner';
import { HomePage } from './HomePage';
import { ScreenBoundary } from '../../components/ScreenBoundary';
import { SchoolContext } from '../../components/school';
import { ReportsScreen } from '../reports/ReportsScreen';
import { DayCloseScreen } from '../day-close/DayCloseScreen';
import { ImportScreen } from '../imports/ImportScreen';
import { ReconcileScreen } from '../reconcile/ReconcileScreen';
import { LostRecordsBanner } from '../store/LostRecordsBanner';
import { RolloverScreen } from '../years/RolloverScreen';

/**
 * Alt+L locks the screen in the desktop window and in a browser alike (a browser keeps Ctrl+L for its address bar);
 * Ctrl+L (⌘L) too where the page gets it. From any field: the cursor is nearly always in one, and what is typed after
 * a shortcut that did nothing lands in it (a password in the search box).
 */
function useLockShortcut(lock: () => void): void {
  const onLock = useEffectEvent(lock);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'KeyL' || e.shiftKey || !(e.altKey || e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      onLock();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

type Page =
  | 'collect'
  | 'students'
  | 'fees'
  | 'rollover'
  | 'concessions'
  | 'verify'
  | 'home'
  | 'reports'
  | 'dayClose'
  | 'import'
  | 'reconcile'
  | 'sync'
  | 'users'
  | 'settings'
  | 'audit'
  | 'backups';

/** `under`: a page reached from another one's screen, not the navigation, which shows that one as current. */
const PAGES: { page: Page; label: string; roles: readonly Role[]; under?: Page }[] = [
  { page: 'collect', label: 'Collect fees', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'students', label: 'Students', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'fees', label: 'Fee set-up', roles: ['admin', 'accountant'] },
  { page: 'rollover', label: 'Year-end rollover', roles: ['admin'], under: 'fees' },
  { page: 'concessions', label: 'Concessions', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'verify', label: 'Verify receipt', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'home', label: 'Desk', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'reports', label: 'Reports', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'dayClose', label: 'Day close', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'import', label: 'Import', roles: ['admin', 'accountant'] },
  { page: 'reconcile', label: 'Bank reconciliation', roles: ['admin', 'accountant'] },
  { page: 'sync', label: 'Sync', roles: ['admin', 'accountant', 'cashier'] },
  { page: 'users', label: 'Users', roles: ['admin'] },
  { page: 'audit', label: 'Audit trail', roles: ['admin', 'accountant'] },
  { page: 'backups', label: 'Backups', roles: ['admin'] },
  { page: 'settings', label: 'Settings', roles: ['admin', 'accountant', 'cashier'] },
];

interface Props {
  session: SessionInfo;
  onSessionChange: (session: SessionInfo) => void;
  onLoggedOut: () => void;
}

export function HomeShell({ session, onSessionChange, onLoggedOut }: Props) {
  const [page, setPage] = useState<Page>('collect');
  const [scanned, setScanned] = useState<{ student: StudentSummary; at: number } | null>(null);
  const [scanError, setScanError] = useState<string | null>(null);
  const onToken = useCallback((token: string) => {
    request(api().slips.resolve({ token })).then(
      (student) => {
        setScanError(null);
        setPage('collect');
        setScanned({ student, at: Date.now() });
      },
      (err: Error) => setScanError(sentence(err.message)),
    );
  }, []);
  useSlipScanner(onToken, (text) =>
    setScanError(
      `The fee slip was not read whole (${text.length > 45 ? `${text.slice(0, 45)}…` : text}): scan it again, or type the student’s name.`,
    ),
  );
  const sync = useSyncStatus();
  const idle = useIdle(session.idleLockMinutes * 60_000, { initialState: false });

  const lock = () => {
    if (!session.locked) void request(api().auth.lock()).then(onSessionChange, onLoggedOut);
  };
  const logout = () => void request(api().auth.logout()).finally(onLoggedOut);

  useEffect(() => {
    if (idle) lock();
    // Only the idle flag's change matters; lock reads the session it was rendered with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [idle]);
  useLockShortcut(lock);

  const pages = PAGES.filter((p) => p.roles.includes(session.user.role) && !p.under);
  const inNav = PAGES.find((p) => p.page === page)?.under ?? page;

  return (
    <SchoolContext.Provider value={session.school}>
      <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 0 }} padding="md" inert={session.locked}>
        <AppShell.Header px="md">
          <Group h="100%" justify="space-between">
            <Group gap="sm">
              <Title order={4}>FeeDesk</Title>
              <Text c="dimmed">{session.school.name}</Text>
              <Badge variant="light">Desk {session.deskCode}</Badge>
            </Group>
            <Group gap="sm">
              <SyncLight status={sync.status} onOpen={() => setPage('sync')} />
              <Text size="sm">
                {session.user.fullName} ·{' '}
                <Badge size="sm" variant="outline">
                  {session.user.role}
                </Badge>
              </Text>
              <Button size="xs" variant="default" onClick={lock} title="Lock the screen (Alt+L; Ctrl+L in the desktop window)">
                Lock
              </Button>
              <Button size="xs" variant="default" onClick={logout}>
                Log out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <Stack gap={2}>
            {pages.map((p) => (
              <NavLink
                key={p.page}
                component="button"
                variant="filled"
                label={p.label}
                active={inNav === p.page}
                aria-current={inNav === p.page ? 'page' : undefined}
                onClick={() => setPage(p.page)}
              />
            ))}
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main>
          <ClockBehindBanner session={session} />
          <LostRecordsBanner />
          {scanError && (
            <Alert color="red.9" mb="md" withCloseButton onClose={() => setScanError(null)} title="Scanned fee slip">
              {scanError}
            </Alert>
          )}
          <ScreenBoundary key={page} screen={PAGES.find((p) => p.page === page)!.label}>
            {page === 'collect' && <CollectScreen session={session} scanned={scanned} />}
            {page === 'verify' && <VerifyScreen session={session} />}
            {page === 'students' && <StudentsScreen session={session} />}
            {page === 'fees' && <FeesScreen session={session} onRollover={() => setPage('rollover')} />}
            {page === 'rollover' && <RolloverScreen session={session} />}
            {page === 'concessions' && <ConcessionsScreen session={session} />}
            {page === 'home' && <HomePage session={session} />}
            {page === 'reports' && <ReportsScreen session={session} />}
            {page === 'dayClose' && <DayCloseScreen session={session} />}
            {page === 'import' && <ImportScreen />}
            {page === 'reconcile' && <ReconcileScreen session={session} />}
            {page === 'sync' && <SyncScreen session={session} status={sync.status} onStatus={sync.setStatus} />}
            {page === 'users' && <UsersScreen session={session} />}
            {page === 'audit' && <AuditScreen />}
            {page === 'backups' && <BackupsScreen onRestored={onLoggedOut} />}
            {page === 'settings' && <SettingsScreen session={session} onSessionChange={onSessionChange} />}
          </ScreenBoundary>
        </AppShell.Main>
      </AppShell>
      {session.locked && <LockScreen session={session} onUnlock={onSessionChange} onLogout={logout} />}
    </SchoolContext.Provider>
  );
}
