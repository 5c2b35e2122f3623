// Loud and not dismissable: the store has lost records this desk had saved or the sync server confirmed (main's
// db/receipt-mark.ts), so the cashier stops collecting until an administrator has restored it.
import { Alert } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, request } from '../../api/client';

export function LostRecordsBanner() {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    request(api().store.status())
      .then((status) => live && setMessage(status.lostRecords ?? null))
      .catch(() => {
        // The status is asked again the next time the shell opens; the log in main has the loss regardless.
      });
    return () => {
      live = false;
    };
  }, []);
  if (!message) return null;
  return (
    <Alert color="red.9" variant="filled" mb="md" title="Records are missing from this desk's store" role="alert">
      {message}
    </Alert>
  );
}
