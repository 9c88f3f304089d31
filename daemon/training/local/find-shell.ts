/** Chooses the shell that runs trial commands: bash when installed, else sh. */
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/**
 * Returns the absolute path of `bash` found on `PATH` (searched in order), or "/bin/sh" when
 * there is no bash. Called once per training service; touches the file system synchronously.
 */
export function findShell(envPath: string | undefined = process.env['PATH']): string {
  for (const dir of (envPath ?? '/usr/bin:/bin').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'bash');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return '/bin/sh';
}
