// When the daily backup is due: pure, on the desk's local clock.

/** A failed scheduled backup (say, the USB drive was out) is tried again after this long, not in a tight loop. */
export const RETRY_AFTER_MS = 15 * 60_000;

/** Today's (local) slot at HH:MM. */
function slotOn(day: Date, dailyAt: string): Date {
  const [hours, minutes] = dailyAt.split(':').map(Number);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes, 0, 0);
}

/**
 * The next moment a scheduled backup should run. A slot is done once a backup succeeded at or after it; a desk that was
 * off at the slot backs up once when it next runs (not once per missed day).
 */
export function nextBackupDue(dailyAt: string, now: Date, lastSuccessAt: Date | null, lastFailureAt: Date | null): Date {
  const today = slotOn(now, dailyAt);
  const latestSlot = now >= today ? today : slotOn(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1), dailyAt);
  let due: Date;
  if (lastSuccessAt && lastSuccessAt >= latestSlot) {
    due = latestSlot === today ? slotOn(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1), dailyAt) : today;
  } else {
    due = latestSlot;
  }
  if (lastFailureAt && lastFailureAt >= latestSlot && due <= now) {
    const retry = new Date(lastFailureAt.getTime() + RETRY_AFTER_MS);
    if (retry > due) due = retry;
  }
  return due;
}

/** A backup folder's name: the desk and the local time, sortable. */
export function backupName(deskCode: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `FeeDesk ${deskCode} ${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
}
