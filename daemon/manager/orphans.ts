import { readdirSync, readFileSync } from 'node:fs';

/**
 * Ends the processes a daemon that died (SIGKILL, OOM, power loss) left running for experiment
 * `experimentId`: trial processes and reuse-mode workers. They are found by their environment
 * (every trial process carries NASCTL_EXPERIMENT_ID), so nothing has to be written per trial,
 * and each one's whole process group is killed (trials run in their own groups). The calling
 * process and its group are never touched. Linux only (/proc); elsewhere it finds nothing.
 * Returns the pids whose groups were killed.
 */
export function killOrphanedTrials(experimentId: string): number[] {
  const marker = `NASCTL_EXPERIMENT_ID=${experimentId}`;
  const ownGroup = processGroupOf(process.pid);
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return killed;
  }
  const groups = new Set<number>();
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!environ.split('\0').includes(marker)) continue;
    const pgid = processGroupOf(pid);
    if (pgid === undefined || pgid <= 1 || pgid === ownGroup) continue;
    groups.add(pgid);
  }
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
      killed.push(pgid);
    } catch {
      // already gone
    }
  }
  return killed;
}

/** The process group id of `pid` from /proc/<pid>/stat, or undefined. */
function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(rest[2]);
    return Number.isInteger(pgid) ? pgid : undefined;
  } catch {
    return undefined;
  }
}
