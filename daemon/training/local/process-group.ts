/** Process-group helpers of the local training service (Linux semantics; elsewhere best effort). */
import { readFile, readdir } from 'node:fs/promises';

const GROUP_GONE_DEADLINE_MS = 2000;

/** Sends `signal` to process group `pgid`; a group that is already gone is fine. Never throws. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left; EPERM cannot happen for groups we created.
  }
}

/**
 * Whether group `pgid` still has a running (non-zombie) member. A group whose members are all
 * zombies holds no resources any more; they wait for PID 1 to reap them, which some container
 * inits do late. Reads /proc only when `kill(-pgid, 0)` says the group exists.
 */
export async function groupHasLiveMembers(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true; // no /proc: trust kill()
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = await readProcStat(entry); // undefined: exited meanwhile
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

/**
 * State letter (R, S, Z, ...) and process-group id of process `pid`, from /proc/<pid>/stat;
 * undefined when it cannot be read (the process is gone, or there is no /proc). Never throws.
 */
export async function readProcStat(pid: number | string): Promise<{ state: string; pgrp: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // After the ")" closing the command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Resolves once group `pgid` has no live member, SIGKILLing stragglers. There is no event for
 * that, so it checks with doubling delays (1 ms .. 50 ms), for at most 2 s, then logs and gives up.
 */
export async function waitForGroupGone(pgid: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + GROUP_GONE_DEADLINE_MS;
  let delay = 1;
  while (await groupHasLiveMembers(pgid)) {
    if (Date.now() > deadline) {
      log(`process group ${pgid} still has running members ${GROUP_GONE_DEADLINE_MS} ms after SIGKILL`);
      return;
    }
    signalGroup(pgid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 50);
  }
}
