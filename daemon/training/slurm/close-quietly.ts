/** Closing a file descriptor where a failure changes nothing (best-effort bookkeeping files). */
import { closeSync } from 'node:fs';

/** Closes `fd` when defined, ignoring errors (already closed). */
export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
