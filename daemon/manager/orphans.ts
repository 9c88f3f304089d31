import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'pid';

/** Records the pid of the process running a trial, so a later daemon can end it after a crash. */
export function recordTrialPid(trialDir: string, pid: number): void {
  writeFileSync(join(trialDir, PID_FILE), `${pid}\n`);
}

/**
 * Ends the process group of a trial left running by a daemon that died (SIGKILL, OOM): the
 * group leader's pid comes from the trial's pid file, and it is killed only when /proc shows it
 * still belongs to this experiment (guards against pid reuse). Returns true when it killed one.
 */
export function killOrphanedTrial(trialDir: string, experimentId: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(trialDir, PID_FILE), 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1) return false;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return false; // gone already (or no /proc: nothing we can verify, so leave it)
  }
  if (!environ.split('\0').includes(`NASCTL_EXPERIMENT_ID=${experimentId}`)) return false;
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
