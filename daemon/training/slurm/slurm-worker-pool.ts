/**
 * Reuse mode on Slurm: long-lived worker jobs, each with its own file channel
 * (`<workersDir>/worker-<n>/`), that take trial after trial without a new sbatch. Request k of a
 * worker is answered by `parameters/<k>.json`; a request after a trial (or `trial_done`) ends that
 * trial with exit code 0. A worker job that ends during a trial ends the trial with Slurm's
 * verdict. Idle workers are asked to exit after `idleMs` (a real deadline: they hold cluster
 * resources). Owned by SlurmTrainingService.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import type { TrainingServiceListener, TrialExit, TrialJob } from '../training-service';
import { parametersMessage } from '../service-common';
import { readFileTail } from '../local/file-tail';
import { writeReply } from './file-channel-endpoint';
import { SlurmJob, type SlurmJobHost } from './slurm-job';
import { jobNamePrefix, protocolEnv, type JobSpec } from './slurm-job-script';
import { pendingReason, type FinalJobState, type QueuedJob } from './slurm-records';

/** What the pool needs from the service. */
export interface SlurmWorkerPoolHost {
  listener(): TrainingServiceListener;
  log(line: string): void;
  idleMs: number;
  workersDir(job: TrialJob): string;
  jobHost(sink: Pick<SlurmJobHost, 'onLine' | 'onLineError' | 'onExitRecord'>): SlurmJobHost;
  follow(job: SlurmJob, owner: { onQueued(q: QueuedJob): void; onGone(final: FinalJobState | undefined): void }): void;
  unfollow(job: SlurmJob): void;
  submit(job: SlurmJob, spec: JobSpec): Promise<string>;
  cancel(job: SlurmJob): Promise<void>;
  env(job: TrialJob): Record<string, string>;
}

interface Assignment {
  job: TrialJob;
  /** Index of the reply that carried its parameters. */
  reply: number;
  cause: TrialExit['cause'] | undefined;
  deadline: NodeJS.Timeout | undefined;
}

interface Worker {
  id: number;
  gpuKey: number;
  dir: string;
  slurm: SlurmJob;
  submitted: Promise<void>;
  assignment: Assignment | undefined;
  requestsSeen: number;
  repliesWritten: number;
  retiring: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  gone: Promise<void>;
  resolveGone(): void;
  finished: boolean;
}

/** The pool of one service. */
export class SlurmWorkerPool {
  private readonly host: SlurmWorkerPoolHost;
  private readonly workers = new Set<Worker>();
  private readonly byTrial = new Map<string, Worker>();
  private nextId = 0;

  constructor(host: SlurmWorkerPoolHost) {
    this.host = host;
  }

  /** True if `trialId` is assigned to a worker. */
  has(trialId: string): boolean {
    return this.byTrial.has(trialId);
  }

  /** Gives `job` to an idle worker with the same GPU need, else submits a new worker job for it. */
  start(job: TrialJob): void {
    const key = job.gpuNumber ?? -1;
    for (const worker of this.workers) {
      if (worker.gpuKey === key && worker.assignment === undefined && !worker.retiring && !worker.finished) {
        this.assign(worker, job);
        queueMicrotask(() => this.host.listener().onStarted(job.trialId, worker.slurm.jobId === undefined ? {} : { jobId: worker.slurm.jobId }));
        return;
      }
    }
    this.spawnFor(job, key);
  }

  /** Cancels the worker job running `trialId` (the trial ends with `cause`). Resolves when the worker is gone. */
  async kill(trialId: string, cause: TrialExit['cause']): Promise<void> {
    const worker = this.byTrial.get(trialId);
    if (worker === undefined) return;
    if (worker.assignment !== undefined) worker.assignment.cause ??= cause;
    worker.retiring = true;
    await worker.submitted;
    await this.host.cancel(worker.slurm);
    await worker.gone;
  }

  /** Asks idle workers beyond `keep` to exit. Returns how many. */
  trimIdle(keep: number): number {
    let seen = 0;
    let retired = 0;
    for (const worker of this.workers) {
      if (worker.assignment !== undefined || worker.retiring) continue;
      seen += 1;
      if (seen > keep) {
        this.retire(worker);
        retired += 1;
      }
    }
    return retired;
  }

  /** Cancels every worker job; busy workers' trials end 'killed'. Resolves when all are gone. */
  async shutdown(): Promise<void> {
    await Promise.all(
      [...this.workers].map(async (worker) => {
        if (worker.assignment !== undefined) worker.assignment.cause ??= 'killed';
        worker.retiring = true;
        if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
        await worker.submitted;
        await this.host.cancel(worker.slurm);
        await worker.gone;
      }),
    );
  }

  /** Stops following workers without cancelling them (daemon restart simulation). */
  async detach(): Promise<void> {
    for (const worker of this.workers) {
      if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
      if (worker.assignment?.deadline !== undefined) clearTimeout(worker.assignment.deadline);
      await worker.slurm.closeChannel();
    }
    this.workers.clear();
    this.byTrial.clear();
  }

  private spawnFor(job: TrialJob, gpuKey: number): void {
    const { id, dir } = this.freshWorkerDir(job);
    let resolveGone!: () => void;
    const worker: Worker = {
      id,
      gpuKey,
      dir,
      slurm: undefined as unknown as SlurmJob,
      submitted: Promise.resolve(),
      assignment: undefined,
      requestsSeen: 0,
      repliesWritten: 0,
      retiring: false,
      idleTimer: undefined,
      gone: new Promise((resolve) => {
        resolveGone = resolve;
      }),
      resolveGone,
      finished: false,
    };
    worker.slurm = new SlurmJob(
      { name: `w${id}`, dir },
      this.host.jobHost({
        onLine: (line) => this.onLine(worker, line),
        onLineError: (error, preview) => {
          if (worker.assignment !== undefined) this.host.listener().onMalformed(worker.assignment.job.trialId, preview, error);
          else this.host.log(`worker ${id}: malformed line outside any trial (${error})`);
        },
        onExitRecord: () => void 0, // the poller reports the worker's end with Slurm's verdict
      }),
    );
    this.workers.add(worker);
    this.assign(worker, job);
    this.host.follow(worker.slurm, {
      onQueued: (queued) => this.onQueued(worker, queued),
      onGone: (final) => void this.onGone(worker, final),
    });
    const spec: JobSpec = {
      name: `${jobNamePrefix(job.experimentId)}w${id}`,
      dir,
      command: job.command,
      cwd: job.cwd,
      env: { ...this.host.env(job), ...protocolEnv({ experimentId: job.experimentId, channelDir: dir, ...(job.gpuNumber === undefined ? {} : { gpuNumber: job.gpuNumber }) }) },
      gpus: job.gpuNumber,
    };
    worker.submitted = this.host.submit(worker.slurm, spec).then(
      (jobId) => {
        const current = worker.assignment;
        if (current !== undefined) this.host.listener().onStarted(current.job.trialId, { jobId });
      },
      (error: Error) => {
        this.host.log(`worker ${id}: ${error.message}`);
        void this.onGone(worker, undefined, `cannot submit the reuse worker to Slurm: ${error.message}`);
      },
    );
  }

  /**
   * Creates the next unused `worker-<n>` folder. Folders left by an earlier daemon (a restart, a
   * resumed experiment) are skipped: a worker job of theirs may still read its channel there.
   */
  private freshWorkerDir(job: TrialJob): { id: number; dir: string } {
    const parent = this.host.workersDir(job);
    mkdirSync(parent, { recursive: true });
    for (;;) {
      const id = this.nextId++;
      const dir = path.join(parent, `worker-${id}`);
      try {
        mkdirSync(dir);
        return { id, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  /** Writes the job's parameters as the worker's next reply (its next request is number `repliesWritten`). */
  private assign(worker: Worker, job: TrialJob): void {
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    worker.idleTimer = undefined;
    const reply = worker.repliesWritten++;
    worker.assignment = { job, reply, cause: undefined, deadline: undefined };
    this.byTrial.set(job.trialId, worker);
    writeReply(worker.dir, reply, parametersMessage(job));
    const workerFile = `${path.join(worker.dir, 'stdout.log')}\n${path.join(worker.dir, 'stderr.log')}\n`;
    try {
      writeFileSync(path.join(job.trialDir, 'worker.txt'), workerFile);
    } catch (error) {
      this.host.log(`trial ${job.trialId}: cannot write worker.txt: ${(error as Error).message}`);
    }
    if (job.maxDurationMs !== undefined && worker.requestsSeen > reply) this.armDeadline(worker);
  }

  private armDeadline(worker: Worker): void {
    const a = worker.assignment;
    if (a === undefined || a.deadline !== undefined || a.job.maxDurationMs === undefined) return;
    a.deadline = setTimeout(() => void this.kill(a.job.trialId, 'timeout'), a.job.maxDurationMs);
  }

  private onLine(worker: Worker, line: string): void {
    const parsed = parseTrialMessage(line);
    if (!parsed.ok) {
      if (worker.assignment !== undefined) this.host.listener().onMalformed(worker.assignment.job.trialId, line, parsed.error);
      return;
    }
    const message = parsed.message;
    if (message.type === 'request_parameters') {
      const seq = worker.requestsSeen++;
      const a = worker.assignment;
      if (a !== undefined && a.reply < seq) this.endTrial(worker);
      if (worker.assignment !== undefined) {
        this.armDeadline(worker); // its parameters were waiting for this request
      } else if (seq < worker.repliesWritten) {
        // already answered (no_more_trials written ahead)
      } else if (worker.retiring) {
        writeReply(worker.dir, worker.repliesWritten++, { type: 'no_more_trials' });
      } else {
        this.becameIdle(worker);
      }
      return;
    }
    if (message.type === 'trial_done') {
      if (worker.assignment !== undefined && worker.assignment.reply < worker.requestsSeen) {
        this.endTrial(worker);
        if (!worker.retiring) this.becameIdle(worker);
      }
      return;
    }
    const a = worker.assignment;
    if (a !== undefined && a.reply < worker.requestsSeen) this.host.listener().onMessage(a.job.trialId, message);
    else if (message.type !== 'hello') this.host.log(`worker ${worker.id}: ${message.type} message outside any trial ignored`);
  }

  private becameIdle(worker: Worker): void {
    this.host.listener().onCapacity();
    if (worker.assignment === undefined && !worker.retiring && worker.idleTimer === undefined) {
      worker.idleTimer = setTimeout(() => this.retire(worker), this.host.idleMs);
    }
  }

  private retire(worker: Worker): void {
    worker.retiring = true;
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    worker.idleTimer = undefined;
    if (worker.assignment === undefined && worker.requestsSeen > worker.repliesWritten) {
      writeReply(worker.dir, worker.repliesWritten++, { type: 'no_more_trials' });
    }
  }

  /** The worker finished its trial normally (it asked for the next one). */
  private endTrial(worker: Worker): void {
    const a = worker.assignment!;
    if (a.deadline !== undefined) clearTimeout(a.deadline);
    worker.assignment = undefined;
    this.byTrial.delete(a.job.trialId);
    this.host.listener().onExit({ trialId: a.job.trialId, cause: 'exited', exitCode: 0 });
  }

  private onQueued(worker: Worker, queued: QueuedJob): void {
    const reason = pendingReason(queued);
    if (reason === worker.slurm.lastPendingReason) return;
    worker.slurm.lastPendingReason = reason;
    if (worker.assignment !== undefined) this.host.listener().onPending?.(worker.assignment.job.trialId, reason);
  }

  private async onGone(worker: Worker, final: FinalJobState | undefined, submitError?: string): Promise<void> {
    if (worker.finished) return;
    worker.finished = true;
    this.host.unfollow(worker.slurm);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    await worker.slurm.closeChannel();
    this.workers.delete(worker);
    const a = worker.assignment;
    if (a !== undefined) {
      if (a.deadline !== undefined) clearTimeout(a.deadline);
      worker.assignment = undefined;
      this.byTrial.delete(a.job.trialId);
      const exit = worker.slurm.trialExit(a.job.trialId, final, a.cause, submitError);
      if (exit.cause === 'exited') exit.detail = `reuse worker ${worker.id} ended during the trial${exit.detail ? `: ${exit.detail}` : ''} (log: ${path.join(worker.dir, 'stdout.log')})`;
      const tail = await readFileTail(path.join(worker.dir, 'stderr.log'));
      if (tail !== '') exit.stderrTail = tail;
      this.host.listener().onExit(exit);
    }
    worker.resolveGone();
  }
}
