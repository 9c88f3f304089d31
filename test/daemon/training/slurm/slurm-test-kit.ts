/** Test helpers for the real-Slurm tests: availability check (skips LOUDLY) and job listing. */
import { execFileSync } from 'node:child_process';
import { slurmAvailable } from '../../../../daemon/training/slurm/slurm-cli';

/** True when a Slurm controller answers; prints a loud notice when it does not. */
export function requireSlurm(): boolean {
  if (slurmAvailable()) return true;
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\n!!! SKIPPING the real-Slurm tests: \`sinfo\` does not answer. Start the one-node cluster with\n!!!   bash ../shared/scripts/slurm-up.sh\n${bar}\n\n`);
  return false;
}

/** Ids of queued jobs whose name starts with `prefix`. */
export function queuedJobs(prefix: string): string[] {
  const out = execFileSync('squeue', ['-h', '-o', '%i|%j'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split('|')).filter(([id, name]) => id && name?.startsWith(prefix)).map(([id]) => id!);
}

/** Cancels every job whose name starts with `prefix` (test cleanup). */
export function cancelJobs(prefix: string): void {
  const ids = queuedJobs(prefix);
  if (ids.length > 0) execFileSync('scancel', ids);
}

/** Node's path, for trial commands that run the TS SDK. */
export const NODE = process.execPath;
