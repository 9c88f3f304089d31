/**
 * Runs trials as Slurm jobs (the `slurm` platform). Spawn mode: one `sbatch` per trial, its
 * directory (on the shared file system) being the file channel. Reuse mode: long-lived worker
 * jobs that take trial after trial through their own channel (see `slurm-worker-pool.ts`).
 * Job status comes from `squeue` (then `sacct`/`scontrol` for how a job ended) at a backed-off
 * interval while jobs are outstanding, and from the exit record the batch script writes.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ConflictError } from '../../errors';
import type { SlurmTrainingServiceConfig } from '../../config/experiment-config';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import type { StartResult, TrainingService, TrainingServiceListener, TrialJob } from '../training-service';
import { readFileTail } from '../local/file-tail';
import { deadlineLeftMs, NOOP_LISTENER, parametersMessage } from '../service-common';
import { BackgroundFiles } from '../background-files';
import { BackoffPoller } from './backoff-poller';
import { serviceStateOf } from './channel-offset';
import { HandOverQueue } from './hand-over-queue';
import { appendReply, countReplies, writeFirstReply } from './reply-file';
import { SlurmCli } from './slurm-cli';
import { readJobId, readMaxDurationMs, recordJobId, SlurmJob, type SlurmJobHost } from './slurm-job';
import { BATCH_SCRIPT, EXIT_RECORD, jobNamePrefix, protocolEnv, type JobSpec } from './slurm-job-script';
import { isActiveState, pendingReason, type FinalJobState, type QueuedJob } from './slurm-records';
import { SlurmWorkerPool } from './slurm-worker-pool';
import { WorkerReattach } from './slurm-worker-reattach';

/** Constructor options. Only `config` is required. */
export interface SlurmTrainingServiceOptions {
  config: SlurmTrainingServiceConfig;
  /** Diagnostics (default: dropped). */
  log?: (line: string) => void;
  /** Directory of the Slurm tools (default: PATH). */
  slurmBinDir?: string;
  /** Shortest / longest time between two squeue polls (defaults 1000 / 15000 ms). */
  minPollMs?: number;
  maxPollMs?: number;
  /** Watch channel files by polling: needed where the shared FS is NFS-like (default false). */
  usePolling?: boolean;
  /** Reuse mode: an idle worker job is ended after this long without a trial (default 10000 ms). */
  workerIdleMs?: number;
  /** Reuse mode: where worker directories go (default `sharedDirectory/workers`, else `<trialDir>/../../workers`). */
  workersDir?: string;
  /**
   * Records sbatch's answer in `<dir>/slurm_job_id` (default `recordJobId`). A seam for tests
   * that make it fail (disk full, folder removed); may throw.
   */
  recordJobId?: (dir: string, jobId: string) => void;
}

/** What the poller calls back on for one outstanding job. */
export interface JobOwner {
  onQueued(queued: QueuedJob): void;
  /** The job left Slurm's queue; `final` is what sacct/scontrol know (undefined: nothing). */
  onGone(final: FinalJobState | undefined): void;
}

/** A spawn-mode trial. */
interface SpawnedTrial {
  trialId: string;
  dir: string;
  slurm: SlurmJob;
  submitted: Promise<void>;
  cause: 'killed' | 'timeout' | undefined;
  maxDurationMs: number | undefined;
  /** When its job started running (epoch ms), as Slurm says; known for a re-attached running job. */
  runningSince: number | undefined;
  deadline: NodeJS.Timeout | undefined;
  requestsSeen: number;
  finishing: boolean;
  ended: Promise<void>;
  resolveEnded(): void;
}

/** The Slurm training service. One per experiment; `shutdown()` (or `detach()`) before dropping it. */
export class SlurmTrainingService implements TrainingService {
  readonly cli: SlurmCli;
  private readonly config: SlurmTrainingServiceConfig;
  private readonly log: (line: string) => void;
  private readonly usePolling: boolean;
  private listener: TrainingServiceListener = NOOP_LISTENER;
  private readonly spawned = new Map<string, SpawnedTrial>();
  /** Every job the poller follows. */
  private readonly outstanding = new Map<SlurmJob, JobOwner>();
  private readonly poller: BackoffPoller;
  private readonly pool: SlurmWorkerPool | undefined;
  private readonly workerReattach: WorkerReattach | undefined;
  private readonly workersDirOption: string | undefined;
  /** Records sbatch's answers (`recordJobId`, or the test seam of the options). */
  private readonly recordJobId: (dir: string, jobId: string) => void;
  /** Files for people (spawn mode: each trial's parameters.json; reuse mode: each worker's trials.jsonl), written off the event loop. */
  private readonly files: BackgroundFiles;
  /** Spawn mode: submissions wait here until the trial records are durable. */
  private readonly handOvers: HandOverQueue;
  private experimentId: string | undefined;
  private shuttingDown = false;
  /** sbatch calls made by this object (diagnostics, tests: no duplicate submission). */
  submissions = 0;

  constructor(options: SlurmTrainingServiceOptions) {
    this.config = options.config;
    this.log = options.log ?? (() => {});
    this.usePolling = options.usePolling ?? false;
    this.cli = new SlurmCli({ onNotice: this.log, ...(options.slurmBinDir === undefined ? {} : { binDir: options.slurmBinDir }) });
    this.poller = new BackoffPoller({
      minMs: options.minPollMs ?? 1000,
      maxMs: options.maxPollMs ?? 15000,
      poll: () => this.poll(),
      active: () => this.outstanding.size > 0,
    });
    this.workersDirOption = options.workersDir;
    this.recordJobId = options.recordJobId ?? recordJobId;
    this.files = new BackgroundFiles({ log: this.log });
    this.handOvers = new HandOverQueue({ flush: () => this.listener.flush?.(), log: this.log });
    if (this.config.reuseMode) {
      this.pool = new SlurmWorkerPool({
        listener: () => this.listener,
        log: this.log,
        idleMs: options.workerIdleMs ?? 10_000,
        workersDir: (job) => this.workersDir(job),
        jobHost: (sink) => this.jobHost(sink),
        follow: (job, owner) => this.follow(job, owner),
        unfollow: (job) => this.outstanding.delete(job),
        submit: (job, spec) => this.submit(job, spec),
        cancel: (job) => this.cancel(job),
        env: (job) => this.jobEnv(job),
        appendFile: (file, data) => this.files.append(file, data),
      });
      const pool = this.pool;
      this.workerReattach = new WorkerReattach({
        cli: this.cli,
        pool,
        listener: () => this.listener,
        log: this.log,
        onExperimentId: (id) => {
          this.experimentId ??= id;
        },
        kick: () => this.poller.kick(),
        workersDir: (experimentId, trialDir) => this.workersDir({ experimentId, trialDir }),
      });
    }
  }

  /** Called once by the scheduler before the first `tryStart`. Its optional `onPending` hears Slurm's pending reasons. */
  setListener(listener: TrainingServiceListener): void {
    this.listener = listener;
  }

  /** Reuse mode writes nothing into a trial's folder (see TrainingService.trialDirsOnDemand). */
  get trialDirsOnDemand(): boolean {
    return this.config.reuseMode === true;
  }

  /**
   * Submits `job` (spawn mode) or hands it to a worker job (reuse mode); 'capacity' wait only
   * while shutting down: Slurm's own queue does the waiting (reported through `onPending`).
   * onStarted follows once sbatch answered (with the job id); an sbatch failure ends the trial
   * with cause 'lost' and sbatch's message. Throws ConflictError if the trial already runs here.
   */
  tryStart(job: TrialJob): StartResult {
    if (this.shuttingDown) return { started: false, wait: { kind: 'capacity', message: 'the Slurm training service is shutting down' } };
    if (this.pool?.claim(job.trialId) === true) return { started: true }; // an adopted worker runs it already
    if (this.spawned.has(job.trialId) || this.pool?.has(job.trialId)) {
      throw new ConflictError(`trial ${job.trialId} is already running on the Slurm training service; kill it before starting it again`);
    }
    this.experimentId ??= job.experimentId;
    if (this.pool !== undefined) {
      // The parameters are in the worker's trials.jsonl: no file per trial in reuse mode.
      this.workerReattach?.beforeFirstSubmission(this.workersDir(job), job.experimentId);
      this.pool.start(job);
      return { started: true };
    }
    this.files.write(path.join(job.trialDir, 'parameters.json'), JSON.stringify(job.parameters));
    this.startSpawned(job);
    return { started: true };
  }

  /** Cancels a trial's job (reuse mode: its worker's job). Resolves after its onExit; at once if unknown. */
  async kill(trialId: string): Promise<void> {
    const trial = this.spawned.get(trialId);
    if (trial === undefined) {
      await this.pool?.kill(trialId, 'killed');
      return;
    }
    trial.cause ??= 'killed';
    await this.cancelTrial(trial);
    await trial.ended;
  }

  /** Reuse mode: asks idle workers beyond `keep` to exit. Returns how many; 0 in spawn mode. */
  trimIdleWorkers(keep: number): number {
    return this.pool?.trimIdle(keep) ?? 0;
  }

  /**
   * Cancels every job of the experiment (ours, and any left by an earlier daemon under the name
   * prefix `nasctl-<experiment>-`) and resolves when none is left in squeue.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const pending: Promise<void>[] = [...this.spawned.keys()].map((id) => this.kill(id));
    if (this.pool !== undefined) pending.push(this.pool.shutdown());
    await Promise.all(pending);
    if (this.experimentId !== undefined) {
      const prefix = jobNamePrefix(this.experimentId);
      for (let attempt = 0; attempt < 300; attempt += 1) {
        const left = await this.cli.queuedByNamePrefix(prefix);
        if (left.length === 0) break;
        if (attempt % 10 === 0) await this.cli.cancel(left);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await this.poller.stop();
    await this.files.close();
  }

  /**
   * Stops following jobs WITHOUT cancelling them (what a daemon that dies leaves behind); a new
   * service can `reattach` them. Resolves when watchers and the poller are stopped.
   */
  async detach(): Promise<void> {
    this.shuttingDown = true;
    await this.poller.stop();
    for (const trial of this.spawned.values()) {
      if (trial.deadline !== undefined) clearTimeout(trial.deadline);
      await trial.slurm.closeChannel(false);
    }
    await this.pool?.detach();
    this.spawned.clear();
    this.outstanding.clear();
    await this.files.close();
  }

  /**
   * Re-attaches to trial `trialId` after a daemon restart (spawn mode): reads its job id from
   * `<trialDir>/slurm_job_id` (written by the daemon once sbatch answers and by the job when it
   * starts; when neither did, a queued job whose working directory is `trialDir` is found with
   * squeue) and, when the job is still queued or running in Slurm (or has left
   * an exit record), follows it to its end: messages not yet read, then onExit. Nothing is
   * submitted. Returns false when there is nothing to follow (the caller then treats the trial
   * as interrupted). Reuse mode: every live worker job of the experiment is adopted (once), the
   * trial is followed on the worker whose replies name it, or finished from the records of a
   * worker that ended after it (see `WorkerReattach.reattach`), and adopted workers take the next
   * trials. Call after `setListener`; synchronous (runs squeue once or twice).
   */
  reattach(trialId: string, trialDir: string): boolean {
    if (this.shuttingDown) return false;
    if (this.workerReattach !== undefined) return this.workerReattach.reattach(trialId, trialDir);
    if (this.spawned.has(trialId)) return false;
    let jobId = readJobId(trialDir);
    let queued = jobId === undefined ? undefined : this.cli.queuedJobSync(jobId);
    if (jobId === undefined && existsSync(path.join(trialDir, BATCH_SCRIPT))) {
      // Submitted, but the daemon died before sbatch's answer was recorded: find the job by its directory.
      const found = this.cli.queuedJobsSync().find((job) => job.dir === trialDir);
      if (found !== undefined) {
        jobId = found.jobId;
        queued = found;
        recordJobId(trialDir, jobId);
      }
    }
    if (jobId === undefined) return false;
    const active = queued !== undefined && isActiveState(queued.state);
    if (!active && !existsSync(path.join(trialDir, EXIT_RECORD))) return false;
    const match = /^nasctl-(.+)-[^-]+$/.exec(queued?.name ?? '');
    if (match !== null) this.experimentId ??= match[1];
    const trial = this.newSpawnedTrial(trialId, trialDir, readMaxDurationMs(trialDir));
    trial.runningSince = queued?.startMs;
    trial.requestsSeen = countReplies(trialDir);
    trial.submitted = Promise.resolve();
    trial.slurm.adopt(jobId, true);
    this.follow(trial.slurm, this.ownerOf(trial));
    if (!active) queueMicrotask(() => this.onExitRecord(trial));
    else this.poller.kick();
    // A job that runs already: its maxTrialDuration counts from its start in Slurm (past: cancelled at once).
    if (active && trial.runningSince !== undefined) this.armDeadline(trial);
    this.log(`re-attached trial ${trialId} to Slurm job ${jobId} (${queued?.state ?? 'ended'})`);
    return true;
  }

  // ------------------------------------------------------------------ spawn mode

  private startSpawned(job: TrialJob): void {
    const trial = this.newSpawnedTrial(job.trialId, job.trialDir, job.maxDurationMs);
    const spec: JobSpec = {
      name: `${jobNamePrefix(job.experimentId)}${job.trialId}`,
      dir: job.trialDir,
      command: job.command,
      cwd: job.cwd,
      env: { ...this.jobEnv(job), ...protocolEnv({ experimentId: job.experimentId, channelDir: job.trialDir, trial: job, ...(job.gpuNumber === undefined ? {} : { gpuNumber: job.gpuNumber }) }) },
      gpus: this.config.gpusPerTrial ?? job.gpuNumber,
      ...(job.maxDurationMs === undefined ? {} : { maxDurationMs: job.maxDurationMs }),
    };
    this.follow(trial.slurm, this.ownerOf(trial));
    // Submitted once the daemon's record of the trial is durable: a restarted daemon never finds a job it has no record of.
    trial.submitted = this.handOvers
      .next()
      .then(() => {
        writeFirstReply(job.trialDir, parametersMessage(job));
        return this.submit(trial.slurm, spec);
      })
      .then(
        (jobId) => this.listener.onStarted(job.trialId, { jobId }),
        (error: Error) => {
          this.log(`trial ${job.trialId}: ${error.message}`);
          void this.finishSpawned(trial, undefined, `cannot submit the trial to Slurm: ${error.message}`);
        },
      );
  }

  private newSpawnedTrial(trialId: string, dir: string, maxDurationMs: number | undefined): SpawnedTrial {
    let resolveEnded!: () => void;
    const ended = new Promise<void>((resolve) => {
      resolveEnded = resolve;
    });
    const trial: SpawnedTrial = {
      trialId,
      dir,
      slurm: undefined as unknown as SlurmJob,
      submitted: Promise.resolve(),
      cause: undefined,
      maxDurationMs,
      runningSince: undefined,
      deadline: undefined,
      requestsSeen: 0,
      finishing: false,
      ended,
      resolveEnded,
    };
    trial.slurm = new SlurmJob(
      { name: trialId, dir },
      this.jobHost({
        onLine: (line) => this.onSpawnedLine(trial, line),
        onLineError: (error, preview) => this.listener.onMalformed(trialId, preview, error),
        onExitRecord: () => this.onExitRecord(trial),
      }),
    );
    this.spawned.set(trialId, trial);
    return trial;
  }

  private onSpawnedLine(trial: SpawnedTrial, line: string): void {
    const parsed = parseTrialMessage(line);
    if (!parsed.ok) {
      this.listener.onMalformed(trial.trialId, line, parsed.error);
      return;
    }
    this.armDeadline(trial);
    if (parsed.message.type === 'request_parameters') {
      // Spawn mode runs one trial: reply 0 (its parameters) was written before submission.
      const seq = trial.requestsSeen++;
      if (seq > 0 && seq >= countReplies(trial.dir)) appendReply(trial.dir, { type: 'no_more_trials' });
      return;
    }
    this.listener.onMessage(trial.trialId, parsed.message);
  }

  private onExitRecord(trial: SpawnedTrial): void {
    if (trial.finishing) return;
    if (trial.slurm.exitRecord() === 0 && !trial.slurm.cancelRequested) void this.finishSpawned(trial, undefined);
    else this.poller.kick(); // a failure: ask Slurm how the job ended before reporting it
  }

  private ownerOf(trial: SpawnedTrial): JobOwner {
    return {
      onQueued: (queued) => {
        const reason = pendingReason(queued);
        if (reason !== trial.slurm.lastPendingReason) {
          trial.slurm.lastPendingReason = reason;
          this.listener.onPending?.(trial.trialId, reason);
        }
        if (queued.state === 'RUNNING') this.armDeadline(trial);
      },
      onGone: (final) => void this.finishSpawned(trial, final),
    };
  }

  /**
   * maxTrialDuration counts from when the job runs (time pending in the queue is not the trial's):
   * from now, or from `runningSince` for a re-attached job (0 ms left: cancelled at once).
   */
  private armDeadline(trial: SpawnedTrial): void {
    if (trial.maxDurationMs === undefined || trial.deadline !== undefined || trial.finishing) return;
    trial.deadline = setTimeout(() => {
      trial.cause ??= 'timeout';
      void this.cancelTrial(trial);
    }, deadlineLeftMs(trial.maxDurationMs, trial.runningSince));
  }

  private async cancelTrial(trial: SpawnedTrial): Promise<void> {
    await trial.submitted;
    if (trial.finishing || trial.slurm.jobId === undefined) return;
    await this.cancel(trial.slurm);
  }

  private async finishSpawned(trial: SpawnedTrial, final: FinalJobState | undefined, submitError?: string): Promise<void> {
    if (trial.finishing) return;
    trial.finishing = true;
    this.outstanding.delete(trial.slurm);
    if (trial.deadline !== undefined) clearTimeout(trial.deadline);
    await trial.slurm.closeChannel(true);
    const exit = trial.slurm.trialExit(trial.trialId, final, trial.cause, submitError);
    if (!(exit.cause === 'exited' && exit.exitCode === 0)) {
      const tail = await readFileTail(path.join(trial.dir, 'stderr.log'));
      if (tail !== '') exit.stderrTail = tail;
    }
    this.spawned.delete(trial.trialId);
    this.listener.onExit(exit);
    trial.resolveEnded();
  }

  // ------------------------------------------------------------------ shared by both modes

  private jobHost(sink: Pick<SlurmJobHost, 'onLine' | 'onLineError' | 'onExitRecord'>): SlurmJobHost {
    return { ...sink, cli: this.cli, config: this.config, usePolling: this.usePolling, recordJobId: this.recordJobId, serviceState: () => serviceStateOf(this.listener) };
  }

  /** Reuse mode: the folder of the experiment's worker folders. */
  private workersDir(job: Pick<TrialJob, 'experimentId' | 'trialDir'>): string {
    if (this.workersDirOption !== undefined) return this.workersDirOption;
    return this.config.sharedDirectory !== undefined ? path.join(this.config.sharedDirectory, 'workers', job.experimentId) : path.resolve(job.trialDir, '..', '..', 'workers');
  }

  private jobEnv(job: TrialJob): Record<string, string> {
    return { ...this.config.env, ...job.env };
  }

  private follow(job: SlurmJob, owner: JobOwner): void {
    this.outstanding.set(job, owner);
  }

  private async submit(job: SlurmJob, spec: JobSpec): Promise<string> {
    this.submissions += 1;
    const jobId = await job.submit(spec);
    this.poller.kick();
    return jobId;
  }

  private async cancel(job: SlurmJob): Promise<void> {
    if (job.jobId === undefined) return;
    job.cancelRequested = true;
    await this.cli.cancel([job.jobId]);
    this.poller.kick();
  }

  /** One poll: squeue for all our jobs; sacct/scontrol for those that left the queue. */
  private async poll(): Promise<boolean> {
    const started = Date.now();
    const queue = await this.cli.queue();
    if (queue === undefined) {
      this.log('squeue failed; trying again later');
      return false;
    }
    let changed = false;
    const gone: Array<[SlurmJob, JobOwner]> = [];
    for (const [job, owner] of this.outstanding) {
      if (job.jobId === undefined) continue;
      const queued = queue.get(job.jobId);
      if (queued !== undefined && isActiveState(queued.state)) {
        if (job.observe(queued)) changed = true;
        owner.onQueued(queued);
      } else if (job.knownSince < started) {
        gone.push([job, owner]);
      }
    }
    if (gone.length > 0) {
      changed = true;
      const finals = await this.cli.finalStates(gone.map(([job]) => job.jobId!));
      for (const [job, owner] of gone) {
        if (this.outstanding.get(job) === owner) owner.onGone(finals.get(job.jobId!));
      }
    }
    return changed;
  }
}
