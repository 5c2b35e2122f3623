// The token a fee slip's QR carries: what a keyboard-wedge scanner types to open a student's collect screen.
const TOKEN = /^FDS1-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function slipToken(studentId: string): string {
  return `FDS1-${studentId}`;
}

/** The student id in a scanned token, or null when the text is not a slip token. */
export function studentIdFromToken(text: string): string | null {
  return TOKEN.exec(text.trim())?.[1]?.toLowerCase() ?? null;
}
