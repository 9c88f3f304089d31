/**
 * Pure parsing of what Slurm's commands print (`squeue`, `sacct -P`, `scontrol show job -o`)
 * and the mapping from a finished job's state to how its trial ended. No I/O here.
 */
import type { TrialExit } from '../training-service';

/** One line of `squeue -h -o '%i|%T|%r'`: a job Slurm still holds (pending, running, completing). */
export interface QueuedJob {
  jobId: string;
  /** PENDING, RUNNING, COMPLETING, CONFIGURING, SUSPENDED, ... */
  state: string;
  /** Slurm's reason (why pending), "None" when there is none. */
  reason: string;
}

/** What Slurm knows about a job that has left the queue (from sacct or scontrol). */
export interface FinalJobState {
  jobId: string;
  /** COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, PREEMPTED, ... */
  state: string;
  /** "exit:signal", e.g. "0:0", "1:0", "0:15". */
  exitCode: string;
  reason: string;
}

/** The squeue output format this module parses. */
export const SQUEUE_FORMAT = '%i|%T|%r';

/** States in which a job still runs or will run: followed until it leaves them. */
const ACTIVE_STATES = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

/** True while a job in `state` has not ended. */
export function isActiveState(state: string): boolean {
  return ACTIVE_STATES.has(state.split(' ')[0]!.toUpperCase());
}

/** Parses `squeue -h -o '%i|%T|%r'` output into jobId -> job. Ignores malformed lines. */
export function parseSqueue(text: string): Map<string, QueuedJob> {
  const jobs = new Map<string, QueuedJob>();
  for (const line of text.split('\n')) {
    const [jobId, state, reason] = line.trim().split('|');
    if (!jobId || !state) continue;
    jobs.set(jobId, { jobId, state, reason: reason ?? 'None' });
  }
  return jobs;
}

/**
 * Parses `sacct -n -P -X -o JobID,State,ExitCode,Reason` output (`--parsable2`: `|`-separated,
 * no trailing `|`). A State like "CANCELLED by 1000" is kept whole (the "by uid" part says who
 * cancelled). Step lines (`123.batch`, `123.extern`, printed without `-X`) and lines without a
 * job id or state are ignored.
 */
export function parseSacct(text: string): Map<string, FinalJobState> {
  const jobs = new Map<string, FinalJobState>();
  for (const line of text.split('\n')) {
    const [jobId, state, exitCode, reason] = line.trim().split('|');
    if (!jobId || !state || jobId.includes('.')) continue;
    jobs.set(jobId, { jobId, state: state.trim(), exitCode: exitCode ?? '', reason: reason ?? '' });
  }
  return jobs;
}

/** Parses one job of `scontrol show job -o <id>` (a single line of Key=Value pairs); undefined when absent. */
export function parseScontrolJob(text: string): FinalJobState | undefined {
  const fields = new Map<string, string>();
  for (const match of text.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) fields.set(match[1]!, match[2]!);
  const jobId = fields.get('JobId');
  const state = fields.get('JobState');
  if (jobId === undefined || state === undefined) return undefined;
  return { jobId, state, exitCode: fields.get('ExitCode') ?? '', reason: fields.get('Reason') ?? '' };
}

/** "waiting: Resources" for a pending job; undefined when the job is not pending. */
export function pendingReason(job: QueuedJob): string | undefined {
  if (job.state !== 'PENDING') return undefined;
  return job.reason === '' || job.reason === 'None' ? 'waiting: queued in Slurm' : `waiting: ${job.reason}`;
}

/** What a final state means for the user, and what to do about it. */
const STATE_MEANING: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^CANCELLED(?: BY (\d+))?/, (m) => (m[1] === undefined ? 'cancelled' : `cancelled by uid ${m[1]}`)],
  [/^TIMEOUT/, () => 'reached its time limit; raise trainingService.time'],
  [/^NODE_FAIL/, () => 'its node failed'],
  [/^OUT_OF_MEMORY/, () => 'ran out of memory; raise trainingService.memPerTrial'],
  [/^PREEMPTED/, () => 'preempted by a job of higher priority'],
  [/^BOOT_FAIL/, () => 'its node failed to boot'],
  [/^DEADLINE/, () => 'missed its deadline'],
  [/^FAILED/, () => 'ended with a non-zero exit code'],
];

/**
 * Human-readable account of a job's end, used as `TrialExit.detail`:
 * "Slurm: TIMEOUT (job 42 reached its time limit; raise trainingService.time; Reason=TimeLimit, ExitCode=0:15)".
 */
export function describeFinalState(final: FinalJobState): string {
  const parts = [`ExitCode=${final.exitCode || '?'}`];
  if (final.reason !== '' && final.reason !== 'None') parts.unshift(`Reason=${final.reason}`);
  const state = final.state.toUpperCase();
  let meaning = `ended ${final.state}`;
  for (const [pattern, explain] of STATE_MEANING) {
    const match = pattern.exec(state);
    if (match !== null) {
      meaning = explain(match);
      break;
    }
  }
  return `Slurm: ${final.state} (job ${final.jobId} ${meaning}; ${parts.join(', ')})`;
}

/** What the service knows when it decides how a trial's job ended. */
export interface EndEvidence {
  jobId: string;
  /** Exit code the batch script recorded after the trial command ended; undefined when it did not. */
  exitRecord: number | undefined;
  /** Slurm's final state; undefined when Slurm no longer knows the job (or was not asked). */
  final: FinalJobState | undefined;
  /** We cancelled it (kill or shutdown). */
  killedByUs: boolean;
  /** maxTrialDuration elapsed and we cancelled it. */
  timedOut: boolean;
}

const SLURM_ENDED_IT = /^(CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|REVOKED|SPECIAL_EXIT)/;

/**
 * Decides the TrialExit of a job: our kill -> 'killed' (or 'timeout'); Slurm cancelling it,
 * its time limit, a lost node, OOM -> 'lost' with Slurm's state in `detail`; otherwise the
 * trial's own exit record (or Slurm's ExitCode) -> 'exited'. Pure.
 */
export function exitFromEvidence(trialId: string, evidence: EndEvidence): TrialExit {
  const { final } = evidence;
  const detail = final !== undefined ? describeFinalState(final) : undefined;
  const withDetail = (exit: TrialExit): TrialExit => (detail !== undefined ? { ...exit, detail } : exit);
  if (evidence.timedOut) return withDetail({ trialId, cause: 'timeout' });
  if (evidence.killedByUs) return withDetail({ trialId, cause: 'killed' });
  if (final !== undefined && SLURM_ENDED_IT.test(final.state.toUpperCase()) && evidence.exitRecord !== 0) {
    const exit: TrialExit = { trialId, cause: 'lost', detail: detail! };
    if (evidence.exitRecord !== undefined) exit.exitCode = evidence.exitRecord;
    return exit;
  }
  if (evidence.exitRecord !== undefined) return withDetail({ trialId, cause: 'exited', exitCode: evidence.exitRecord });
  if (final === undefined) {
    return {
      trialId,
      cause: 'lost',
      detail: `Slurm job ${evidence.jobId} left the queue without an exit record and Slurm no longer knows it (accounting disabled or purged); see the trial's stderr.log`,
    };
  }
  const [code, signal] = final.exitCode.split(':').map(Number);
  const exit: TrialExit = { trialId, cause: 'exited', detail: `${detail!}; the batch script left no exit record` };
  if (signal !== undefined && signal > 0) exit.signal = `signal ${signal}`;
  else exit.exitCode = Number.isFinite(code) ? code! : 1;
  return exit;
}
