// Tells the desk its computer's clock was set back (it reads earlier than a time FeeDesk already recorded): payments
// would be dated wrong and codes from the authenticator app cannot be checked. Main decides; this shows its words.
import { Alert } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ClockBehind, SessionInfo } from '../../../../shared/contract/auth';
import { api, request } from '../../api/client';

/** auth.session is a passive call: re-reading it does not keep the idle lock away. */
const RECHECK_MS = 60_000;

export function ClockBehindBanner({ session }: { session: SessionInfo }) {
  // undefined until the first re-check: until then, what the session said at login or unlock.
  const [checked, setChecked] = useState<ClockBehind | null | undefined>(undefined);
  useEffect(() => {
    const recheck = () =>
      void request(api().auth.session()).then(
        (s) => setChecked(s?.clockBehind ?? null),
        () => {},
      );
    const timer = setInterval(recheck, RECHECK_MS);
    return () => clearInterval(timer);
  }, []);
  const behind = checked === undefined ? session.clockBehind : checked;
  if (!behind) return null;
  return (
    <Alert color="red.9" mb="md" title="The clock is wrong" role="alert">
      {behind.message}
    </Alert>
  );
}
