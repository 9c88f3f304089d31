import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Contents of `<home>/daemon.json`: how clients reach the running daemon. */
export interface DaemonInfo {
  pid: number;
  host: string;
  port: number;
  /** Secret for `Authorization: Bearer` (required when the daemon listens beyond loopback). */
  token: string;
  /** ms since epoch. */
  startedAt: number;
  version: string;
}

/** Path of the daemon info file in a nasctl home. */
export function daemonInfoPath(home: string): string {
  return join(home, 'daemon.json');
}

/** Path of the daemon's log file in a nasctl home. */
export function daemonLogPath(home: string): string {
  return join(home, 'daemon.log');
}

/**
 * Writes `<home>/daemon.json` atomically (temp file + rename) with mode 0600, creating `home`
 * (mode 0700) when needed. Called by the daemon once it listens. Throws on file system errors.
 */
export function writeDaemonInfo(home: string, info: DaemonInfo): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = daemonInfoPath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function isDaemonInfo(v: unknown): v is DaemonInfo {
  const o = v as Partial<DaemonInfo> | null;
  return typeof o === 'object' && o !== null && Number.isInteger(o.pid) && typeof o.host === 'string'
    && Number.isInteger(o.port) && typeof o.token === 'string' && typeof o.startedAt === 'number' && typeof o.version === 'string';
}

/**
 * Reads `<home>/daemon.json`. Returns null when it is absent or not a valid daemon info file
 * (e.g. half-written by a crashed daemon); never throws for those. Does not check the pid.
 */
export function readDaemonInfo(home: string): DaemonInfo | null {
  let text: string;
  try {
    text = readFileSync(daemonInfoPath(home), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isDaemonInfo(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** True when a process with this pid exists (a process owned by another user counts). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads daemon.json and returns it only when its process is alive; a stale file (dead pid or
 * invalid content) yields null. Called by the CLI before talking to or starting a daemon.
 */
export function readLiveDaemonInfo(home: string): DaemonInfo | null {
  const info = readDaemonInfo(home);
  return info && isProcessAlive(info.pid) ? info : null;
}

/**
 * Removes daemon.json. With `pid`, only when the file still belongs to that process (a newer
 * daemon's file is kept). Called by the daemon on shutdown and by the CLI for stale files.
 * Never throws for a missing file.
 */
export function removeDaemonInfo(home: string, pid?: number): void {
  if (pid !== undefined) {
    const info = readDaemonInfo(home);
    if (info && info.pid !== pid) return;
  }
  rmSync(daemonInfoPath(home), { force: true });
}
