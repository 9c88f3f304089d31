/** Small pieces every training service (local, Slurm) shares. */
import type { ParametersMessage } from '../../trial-runtime/protocol/messages';
import type { TrainingServiceListener, TrialJob } from './training-service';

/** A listener that drops every event (what a service holds before `setListener`). */
export const NOOP_LISTENER: TrainingServiceListener = {
  onStarted() {},
  onMessage() {},
  onMalformed() {},
  onExit() {},
  onCapacity() {},
};

/** The `parameters` message that hands `job` to a trial process or reuse worker. */
export function parametersMessage(job: TrialJob): ParametersMessage {
  return { type: 'parameters', trialId: job.trialId, sequence: job.sequence, parameters: job.parameters, trialDir: job.trialDir };
}

/**
 * File in a reuse worker's folder, beside its stdout/stderr logs, for people: one JSON line per
 * trial handed to the worker (`WorkerTrialLine`), appended off the event loop, so not a record
 * the daemon reads back. Both services' reuse modes write it instead of files in the trial folder.
 */
export const WORKER_TRIALS_FILE = 'trials.jsonl';

/** One line of `trials.jsonl`. */
export interface WorkerTrialLine {
  trialId: string;
  trialDir: string;
  parameters: TrialJob['parameters'];
  /** When the trial's parameters were handed to the worker (epoch ms). */
  sentAt: number;
}

/** The `trials.jsonl` line (with its newline) for `job` sent at `sentAt`. Pure. */
export function workerTrialLine(job: TrialJob, sentAt: number): string {
  const line: WorkerTrialLine = { trialId: job.trialId, trialDir: job.trialDir, parameters: job.parameters, sentAt };
  return `${JSON.stringify(line)}\n`;
}

/** Key of jobs a reuse worker can take: workers only run jobs needing the same number of GPUs (-1: unmanaged). */
export function gpuKeyOf(job: TrialJob): number {
  return job.gpuNumber ?? -1;
}

/**
 * Milliseconds left of a trial's `maxDurationMs` that has run since `since` (epoch ms; undefined:
 * starts now). 0 when already past (a re-attached trial whose deadline went by while the daemon
 * was down ends at once). Called when a deadline timer is armed.
 */
export function deadlineLeftMs(maxDurationMs: number, since: number | undefined, now = Date.now()): number {
  const elapsed = since === undefined ? 0 : Math.max(0, now - since);
  return Math.max(0, maxDurationMs - elapsed);
}
