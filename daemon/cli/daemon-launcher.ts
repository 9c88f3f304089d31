import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NasctlError } from '../errors';
import { ApiClient } from './api-client';
import { daemonLogPath, readDaemonInfo, readLiveDaemonInfo, removeDaemonInfo, type DaemonInfo } from './daemon-info';

/** The background daemon did not come up. The message ends with the tail of daemon.log. */
export class DaemonStartError extends NasctlError {
  constructor(message: string) {
    super('DAEMON_START_FAILED', 500, message);
  }
}

/** How to start a background daemon. */
export interface LaunchOptions {
  home: string;
  host?: string;
  port?: number;
  /** Script run with process.execPath (default: dist/daemon/server/main.js). */
  entry?: string;
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
}

/** Default script of the background daemon, relative to this compiled file. */
export function defaultDaemonEntry(): string {
  return join(__dirname, '..', 'server', 'main.js');
}

/** Last `n` lines of a text file, or "" when it cannot be read. */
export function tailLines(file: string, n: number): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-n).join('\n');
  } catch {
    return '';
  }
}

/**
 * Returns the live daemon of `home`, starting one in the background when daemon.json is absent
 * or stale: spawns `node ENTRY --home H [--host X] [--port P]` detached with output appended to
 * daemon.log, then waits for the child to write daemon.json and answer /api/v1/health (re-trying
 * with backoff), or for the child to exit. Throws DaemonStartError with the last 20 lines of
 * daemon.log when it exits or does not answer within the timeout.
 */
export async function ensureDaemon(opts: LaunchOptions): Promise<{ info: DaemonInfo; started: boolean }> {
  const live = readLiveDaemonInfo(opts.home);
  if (live) return { info: live, started: false };
  if (readDaemonInfo(opts.home)) removeDaemonInfo(opts.home);
  mkdirSync(opts.home, { recursive: true, mode: 0o700 });
  const logFile = daemonLogPath(opts.home);
  const fd = openSync(logFile, 'a', 0o600);
  const args = [opts.entry ?? defaultDaemonEntry(), '--home', opts.home];
  if (opts.host !== undefined) args.push('--host', opts.host);
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const failure = (why: string): DaemonStartError => {
    const tail = tailLines(logFile, 20);
    return new DaemonStartError(`the nasctl daemon ${why}; last lines of ${logFile}:\n${tail || '(empty)'}`);
  };

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let wake: (() => void) | null = null;
  child.once('exit', (code, signal) => { exited = { code, signal }; wake?.(); });
  child.once('error', () => { exited = { code: null, signal: null }; wake?.(); });

  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  try {
    for (;;) {
      if (exited !== null) {
        const e: { code: number | null; signal: NodeJS.Signals | null } = exited;
        throw failure(`exited during start (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`})`);
      }
      const info = readDaemonInfo(opts.home);
      if (info && info.pid === child.pid) {
        try {
          await new ApiClient(info).health();
          child.unref();
          return { info, started: true };
        } catch {
          // not answering yet
        }
      }
      if (Date.now() >= deadline) {
        child.kill('SIGTERM');
        throw failure(`did not answer on /api/v1/health within ${timeoutMs / 1000} s`);
      }
      // Back off, but wake at once when the child exits.
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { wake = null; resolve(); }, Math.min(delay, Math.max(0, deadline - Date.now())));
        wake = () => { clearTimeout(t); wake = null; resolve(); };
      });
      delay = Math.min(delay * 2, 1000);
    }
  } finally {
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
  }
}
