import type { ExperimentService } from '../service/experiment-service';

/**
 * What `startDaemon` (daemon/server/start-daemon.ts, the lead's composition root) returns; the
 * CLI's `--foreground` mode uses it. Declared here so this build does not need that file.
 */
export interface DaemonHandle {
  host: string;
  port: number;
  token: string;
  service: ExperimentService;
  close(): Promise<void>;
}

/** Signature of `startDaemon`. */
export type StartDaemon = (opts: { home: string; host?: string; port?: number; log?: (line: string) => void }) => Promise<DaemonHandle>;

/**
 * Loads `startDaemon` from ../server/start-daemon at call time (never on import). Throws Error
 * with a build hint when the module is missing.
 */
export function loadStartDaemon(): StartDaemon {
  let mod: { startDaemon?: StartDaemon };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../server/start-daemon') as { startDaemon?: StartDaemon };
  } catch (err) {
    throw new Error(`cannot load the daemon (dist/daemon/server/start-daemon.js): ${(err as Error).message}; run "npm run build"`, { cause: err });
  }
  if (typeof mod.startDaemon !== 'function') throw new Error('dist/daemon/server/start-daemon.js does not export startDaemon; run "npm run build"');
  return mod.startDaemon;
}
