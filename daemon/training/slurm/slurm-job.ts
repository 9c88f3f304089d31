/**
 * One Slurm job of the service (a spawn-mode trial or a reuse-mode worker): its batch script,
 * its submission, its file channel and what the poller last saw of it. Owned by the service,
 * which decides what its messages and its end mean.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SlurmTrainingServiceConfig } from '../../config/experiment-config';
import type { LineSink } from '../../../trial-runtime/protocol/line-decoder';
import { FileChannelEndpoint } from './file-channel-endpoint';
import { channelOffset, type ChannelOffset, type ServiceState } from './channel-offset';
import type { SlurmCli } from './slurm-cli';
import { BATCH_SCRIPT, buildSbatchArgs, EXIT_RECORD, JOB_ID_FILE, parseMaxDurationMs, renderBatchScript, type JobSpec } from './slurm-job-script';
import type { TrialExit } from '../training-service';
import { exitFromEvidence, type FinalJobState, type QueuedJob } from './slurm-records';

/** What a job needs from its service. */
export interface SlurmJobHost extends LineSink {
  cli: SlurmCli;
  config: SlurmTrainingServiceConfig;
  /** Watch channel files by polling (network file systems). */
  usePolling: boolean;
  /** The batch script wrote its exit record. */
  onExitRecord(job: SlurmJob): void;
  /** Records sbatch's answer in `<dir>/slurm_job_id` (the service passes `recordJobId`, or a test's failing one). May throw. */
  recordJobId(dir: string, jobId: string): void;
  /** Where channel offsets are kept: the listener's service state (the store), undefined for `messages.offset` files. */
  serviceState(): ServiceState | undefined;
}

/** A submitted (or re-attached) job. */
export class SlurmJob {
  readonly spec: Pick<JobSpec, 'name' | 'dir'>;
  /** Slurm's id, once sbatch answered (or read back when re-attaching). */
  jobId: string | undefined;
  /** When the id became known (ms): the poller only trusts a squeue run started after it. */
  knownSince = Infinity;
  /** We asked Slurm to cancel it. */
  cancelRequested = false;
  /** Last state the poller saw (PENDING, RUNNING, ...). */
  lastState: string | undefined;
  /** Last pending reason reported ("waiting: Resources"), undefined when not pending. */
  lastPendingReason: string | undefined;
  /** Set once its end has been handled. */
  finished = false;
  private channel: FileChannelEndpoint | undefined;
  private savedOffset: ChannelOffset | undefined;
  private readonly host: SlurmJobHost;

  constructor(spec: Pick<JobSpec, 'name' | 'dir'>, host: SlurmJobHost) {
    this.spec = spec;
    this.host = host;
  }

  /**
   * Writes the batch script, submits it, records the job id (`slurm_job_id`) and starts watching
   * the channel. Resolves with the job id. Rejects with SubmitError (sbatch refused), a
   * file-system error (the script), or an Error when the id cannot be recorded: the job is then
   * cancelled first (`cancelRequested`), so no job runs that a restarted daemon could not find.
   */
  async submit(spec: JobSpec): Promise<string> {
    writeFileSync(path.join(spec.dir, BATCH_SCRIPT), renderBatchScript(spec), { mode: 0o755 });
    const jobId = await this.host.cli.submit(buildSbatchArgs(this.host.config, spec));
    try {
      this.host.recordJobId(spec.dir, jobId);
    } catch (error) {
      // Unrecorded, the job would run unaccounted for: a restarted daemon could not find it by its id.
      this.cancelRequested = true;
      await this.host.cli.cancel([jobId]);
      throw new Error(
        `sbatch accepted Slurm job ${jobId}, but its id could not be recorded in ${path.join(spec.dir, JOB_ID_FILE)} (${(error as Error).message}); the job was cancelled (scancel ${jobId}) so that it does not run unaccounted for; check that the folder exists and is writable (disk full?)`,
      );
    }
    this.adopt(jobId, false);
    return jobId;
  }

  /** Follows an existing job (re-attach, or after submit): starts the channel watch. */
  adopt(jobId: string, resume: boolean): void {
    this.jobId = jobId;
    this.knownSince = Date.now();
    if (this.finished) return;
    this.savedOffset = channelOffset(this.spec.dir, this.host.serviceState());
    this.channel = new FileChannelEndpoint({
      dir: this.spec.dir,
      usePolling: this.host.usePolling,
      resume,
      savedOffset: this.savedOffset,
      onLine: (line) => this.host.onLine(line),
      onLineError: (error, preview) => this.host.onLineError(error, preview),
      onFile: (name) => {
        if (name === EXIT_RECORD) this.host.onExitRecord(this);
      },
    });
  }

  /** Exit code the batch script recorded, or undefined when it has not (yet). */
  exitRecord(): number | undefined {
    return readExitRecord(this.spec.dir);
  }

  /**
   * How the trial it ran ended: 'lost' with `submitError` when it was never submitted, else what
   * Slurm (`final`) and the exit record say, given what we did to it (`cause`); see exitFromEvidence.
   */
  trialExit(trialId: string, final: FinalJobState | undefined, cause: TrialExit['cause'] | undefined, submitError?: string): TrialExit {
    if (submitError !== undefined) return { trialId, cause: 'lost', detail: submitError };
    return exitFromEvidence(trialId, {
      jobId: this.jobId ?? '?',
      exitRecord: this.exitRecord(),
      final,
      killedByUs: cause === 'killed',
      timedOut: cause === 'timeout',
    });
  }

  /** Records what squeue showed; returns true when the state changed. */
  observe(queued: QueuedJob): boolean {
    const changed = queued.state !== this.lastState;
    this.lastState = queued.state;
    return changed;
  }

  /**
   * Reads what is left on the channel, reports a trailing partial line, stops watching. `ended`:
   * the job is over for good (not a detach that a later daemon re-attaches), so its saved
   * offset is dropped.
   */
  async closeChannel(ended: boolean): Promise<void> {
    this.finished = true;
    await this.channel?.close();
    if (ended) this.savedOffset?.forget();
  }
}

/** The job id recorded in `<dir>/slurm_job_id` (by the daemon after sbatch, or by the job itself); undefined when none. */
export function readJobId(dir: string): string | undefined {
  try {
    const id = readFileSync(path.join(dir, JOB_ID_FILE), 'utf8').trim();
    return /^\d+(_\d+)?$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Records `jobId` in `<dir>/slurm_job_id`, for re-attaching after a restart. Throws on a file-system error. */
export function recordJobId(dir: string, jobId: string): void {
  writeFileSync(path.join(dir, JOB_ID_FILE), `${jobId}\n`);
}

/** The maxTrialDuration (ms) recorded in `<dir>/slurm-job.sh` (spawn mode); undefined when none or unreadable. */
export function readMaxDurationMs(dir: string): number | undefined {
  try {
    return parseMaxDurationMs(readFileSync(path.join(dir, BATCH_SCRIPT), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Exit code the batch script recorded in `<dir>/exit_code`; undefined while the command has not ended (or the record is unreadable). */
export function readExitRecord(dir: string): number | undefined {
  try {
    const text = readFileSync(path.join(dir, EXIT_RECORD), 'utf8').trim();
    const value = Number(text);
    return text !== '' && Number.isInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
