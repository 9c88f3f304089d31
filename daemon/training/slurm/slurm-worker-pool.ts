/**
 * Reuse mode on Slurm: long-lived worker jobs, each with its own file channel
 * (`<workersDir>/worker-<n>/`), that take trial after trial without a new sbatch. Request k of a
 * worker is answered by line k of its `replies.jsonl` (kept open, one append per reply); a request
 * after a trial (or `trial_done`) ends that trial with exit code 0. A worker job that ends during
 * a trial ends the trial with Slurm's verdict. Idle workers are asked to exit after `idleMs` (a
 * real deadline: they hold cluster resources). Owned by SlurmTrainingService.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import type { TrainingServiceListener, TrialExit, TrialJob } from '../training-service';
import { deadlineLeftMs, gpuKeyOf, parametersMessage, WORKER_TRIALS_FILE, workerTrialLine } from '../service-common';
import { readFileTail } from '../local/file-tail';
import { ReplyFile } from './reply-file';
import { SlurmJob, type SlurmJobHost } from './slurm-job';
import { jobNamePrefix, protocolEnv, type JobSpec } from './slurm-job-script';
import { pendingReason, type FinalJobState, type QueuedJob } from './slurm-records';
import { HandOverQueue } from './hand-over-queue';
import { WORKER_META_FILE, workerMetaText, type WorkerRecord } from './slurm-worker-records';

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
  /** Appends to a file for people off the event loop (a worker's `trials.jsonl`); failures are logged. */
  appendFile(file: string, data: string): void;
}

interface Assignment {
  trialId: string;
  maxDurationMs: number | undefined;
  /** When the trial started on its worker (epoch ms), for one found on an adopted worker; undefined: when its request arrives. */
  startedAt: number | undefined;
  /** False for a trial found on an adopted worker until the daemon claims it (reattach, tryStart): its events go nowhere until then. */
  claimed: boolean;
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
  /** The worker's `replies.jsonl`, open for appending. */
  replies: ReplyFile;
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

/** gpuKey of an adopted worker whose folder lacks worker.json: takes any trial. */
const ANY_GPU_KEY = Number.NaN;

/** The pool of one service. */
export class SlurmWorkerPool {
  private readonly host: SlurmWorkerPoolHost;
  private readonly workers = new Set<Worker>();
  private readonly byTrial = new Map<string, Worker>();
  /** Folders of workers adopted from an earlier daemon. */
  private readonly adoptedDirs = new Set<string>();
  /** Reply files and submissions wait here until the trial records are durable. */
  private readonly handOvers: HandOverQueue;
  private nextId = 0;

  constructor(host: SlurmWorkerPoolHost) {
    this.host = host;
    this.handOvers = new HandOverQueue({ flush: () => this.host.listener().flush?.(), log: (line) => this.host.log(line) });
  }

  /** True if `trialId` is assigned to a worker. */
  has(trialId: string): boolean {
    return this.byTrial.has(trialId);
  }

  /** Gives `job` to an idle worker with the same GPU need, else submits a new worker job for it. */
  start(job: TrialJob): void {
    const key = gpuKeyOf(job);
    for (const worker of this.workers) {
      if ((worker.gpuKey === key || Number.isNaN(worker.gpuKey)) && worker.assignment === undefined && !worker.retiring && !worker.finished) {
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
      await worker.slurm.closeChannel(false);
      worker.replies.close();
    }
    this.workers.clear();
    this.byTrial.clear();
  }

  /**
   * Adopts a worker job left by an earlier daemon (a restart, or a daemon killed even with
   * SIGKILL), reconstructed from its folder (`record`): follows job `jobId` and its channel from
   * the saved offset, and takes up where the earlier daemon stopped: the trial it holds is kept
   * unclaimed until `claim` (its events go nowhere before), a worker that waits for a trial is
   * idle (it gets the next `start`), one that was told `no_more_trials` is retiring. `live`
   * false: the job has ended (only its unread messages and its end are wanted): never given a
   * trial. Call once per folder (`adopted(dir)` says whether it was); does not submit anything.
   */
  adopt(record: WorkerRecord, jobId: string, live: boolean, jobStartMs?: number): void {
    const worker = this.newWorker(record.id, record.gpuKey ?? ANY_GPU_KEY, record.dir);
    worker.requestsSeen = record.requestsSeen;
    worker.repliesWritten = record.repliesWritten;
    this.nextId = Math.max(this.nextId, record.id + 1);
    if (record.holding !== undefined) {
      const { trialId, reply } = record.holding;
      // It started when both its reply and the worker's job were there (a held worker starts late).
      const since = Math.max(record.holdingSince ?? 0, jobStartMs ?? 0);
      const startedAt = live && worker.requestsSeen > reply && since > 0 ? since : undefined;
      worker.assignment = { trialId, maxDurationMs: live ? record.maxDurationMs : undefined, startedAt, claimed: false, reply, cause: undefined, deadline: undefined };
      this.byTrial.set(trialId, worker);
    }
    this.adoptedDirs.add(record.dir);
    worker.slurm.adopt(jobId, true);
    if (!live) worker.retiring = true;
    else if (worker.assignment === undefined && worker.requestsSeen > worker.repliesWritten) this.becameIdle(worker);
    else if (worker.assignment === undefined && worker.repliesWritten > 0 && worker.requestsSeen <= worker.repliesWritten) worker.retiring = true; // told no_more_trials
  }

  /** True when the worker folder `dir` was adopted by this pool. */
  adopted(dir: string): boolean {
    return this.adoptedDirs.has(dir);
  }

  /**
   * Claims trial `trialId` held (unclaimed) by an adopted worker: from now on its messages and
   * its end are reported. Returns false when no adopted worker holds it unclaimed.
   */
  claim(trialId: string): boolean {
    const worker = this.byTrial.get(trialId);
    const a = worker?.assignment;
    if (worker === undefined || a === undefined || a.trialId !== trialId || a.claimed) return false;
    a.claimed = true;
    // maxTrialDuration from the trial's real start (past: its worker is cancelled at once, as on a timeout).
    if (worker.requestsSeen > a.reply) this.armDeadline(worker);
    const jobId = worker.slurm.jobId;
    queueMicrotask(() => this.host.listener().onStarted(trialId, jobId === undefined ? {} : { jobId }));
    return true;
  }

  /** A worker of this pool, followed by the poller from now on (its job id comes with `submit` or `adopt`). */
  private newWorker(id: number, gpuKey: number, dir: string): Worker {
    let resolveGone!: () => void;
    const worker: Worker = {
      id,
      gpuKey,
      dir,
      slurm: undefined as unknown as SlurmJob,
      replies: new ReplyFile(dir),
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
          if (worker.assignment?.claimed === true) this.host.listener().onMalformed(worker.assignment.trialId, preview, error);
          else this.host.log(`worker ${id}: malformed line outside any trial (${error})`);
        },
        onExitRecord: () => void 0, // the poller reports the worker's end with Slurm's verdict
      }),
    );
    this.workers.add(worker);
    this.host.follow(worker.slurm, {
      onQueued: (queued) => this.onQueued(worker, queued),
      onGone: (final) => void this.onGone(worker, final),
    });
    return worker;
  }

  private spawnFor(job: TrialJob, gpuKey: number): void {
    const { id, dir } = this.freshWorkerDir(job);
    writeFileSync(path.join(dir, WORKER_META_FILE), workerMetaText(gpuKey, job.maxDurationMs));
    const worker = this.newWorker(id, gpuKey, dir);
    this.assign(worker, job);
    const spec: JobSpec = {
      name: `${jobNamePrefix(job.experimentId)}w${id}`,
      dir,
      command: job.command,
      cwd: job.cwd,
      env: { ...this.host.env(job), ...protocolEnv({ experimentId: job.experimentId, channelDir: dir, ...(job.gpuNumber === undefined ? {} : { gpuNumber: job.gpuNumber }) }) },
      gpus: job.gpuNumber,
    };
    worker.submitted = this.handOvers.next().then(() => this.host.submit(worker.slurm, spec)).then(
      (jobId) => {
        const current = worker.assignment;
        if (current !== undefined) this.host.listener().onStarted(current.trialId, { jobId });
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
    worker.assignment = { trialId: job.trialId, maxDurationMs: job.maxDurationMs, startedAt: undefined, claimed: true, reply, cause: undefined, deadline: undefined };
    this.byTrial.set(job.trialId, worker);
    this.host.appendFile(path.join(worker.dir, WORKER_TRIALS_FILE), workerTrialLine(job, Date.now()));
    this.handOvers.push(() => {
      try {
        worker.replies.append(parametersMessage(job));
      } catch (error) {
        this.loseAssignment(worker, job.trialId, `cannot write the trial's parameters into the reuse worker's channel ${worker.dir}: ${(error as Error).message}; check that the shared directory is writable`);
      }
    });
    if (job.maxDurationMs !== undefined && worker.requestsSeen > reply) this.armDeadline(worker);
  }

  /** Arms the trial's maxTrialDuration: from now, or from `startedAt` (adopted; 0 ms left: at once). */
  private armDeadline(worker: Worker): void {
    const a = worker.assignment;
    if (a === undefined || a.deadline !== undefined || a.maxDurationMs === undefined || !a.claimed) return;
    a.deadline = setTimeout(() => void this.kill(a.trialId, 'timeout'), deadlineLeftMs(a.maxDurationMs, a.startedAt));
  }

  private onLine(worker: Worker, line: string): void {
    const parsed = parseTrialMessage(line);
    if (!parsed.ok) {
      if (worker.assignment?.claimed === true) this.host.listener().onMalformed(worker.assignment.trialId, line, parsed.error);
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
        this.writeEnd(worker);
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
    if (a !== undefined && a.reply < worker.requestsSeen) {
      if (a.claimed) this.host.listener().onMessage(a.trialId, message);
    }
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
      this.writeEnd(worker);
    }
  }

  /**
   * Tells the waiting worker `no_more_trials` (its next reply). A write that fails is logged: the
   * worker then waits until the service cancels it (shutdown) or Slurm's time limit ends it.
   */
  private writeEnd(worker: Worker): void {
    worker.repliesWritten += 1;
    try {
      worker.replies.append({ type: 'no_more_trials' });
    } catch (error) {
      this.host.log(`worker ${worker.id}: cannot write no_more_trials into ${worker.replies.file}: ${(error as Error).message}`);
    }
  }

  /** The trial's hand-over failed: it ends 'lost', and the worker (whose channel is in doubt) retires. */
  private loseAssignment(worker: Worker, trialId: string, detail: string): void {
    const a = worker.assignment;
    if (a === undefined || a.trialId !== trialId) return;
    if (a.deadline !== undefined) clearTimeout(a.deadline);
    worker.assignment = undefined;
    this.byTrial.delete(trialId);
    this.retire(worker);
    this.host.listener().onExit({ trialId, cause: 'lost', detail });
  }

  /** The worker finished its trial normally (it asked for the next one). */
  private endTrial(worker: Worker): void {
    const a = worker.assignment!;
    if (a.deadline !== undefined) clearTimeout(a.deadline);
    worker.assignment = undefined;
    this.byTrial.delete(a.trialId);
    if (a.claimed) this.host.listener().onExit({ trialId: a.trialId, cause: 'exited', exitCode: 0 });
    else this.host.log(`worker ${worker.id}: trial ${a.trialId}, left by an earlier daemon and not claimed, ended; its results are ignored`);
  }

  private onQueued(worker: Worker, queued: QueuedJob): void {
    const reason = pendingReason(queued);
    if (reason === worker.slurm.lastPendingReason) return;
    worker.slurm.lastPendingReason = reason;
    if (worker.assignment?.claimed === true) this.host.listener().onPending?.(worker.assignment.trialId, reason);
  }

  private async onGone(worker: Worker, final: FinalJobState | undefined, submitError?: string): Promise<void> {
    if (worker.finished) return;
    worker.finished = true;
    this.host.unfollow(worker.slurm);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    await worker.slurm.closeChannel(true);
    worker.replies.close();
    this.workers.delete(worker);
    const a = worker.assignment;
    if (a !== undefined) {
      if (a.deadline !== undefined) clearTimeout(a.deadline);
      worker.assignment = undefined;
      this.byTrial.delete(a.trialId);
      if (!a.claimed) {
        worker.resolveGone();
        return;
      }
      const exit = worker.slurm.trialExit(a.trialId, final, a.cause, submitError);
      if (exit.cause === 'exited') exit.detail = `reuse worker ${worker.id} ended during the trial${exit.detail ? `: ${exit.detail}` : ''} (log: ${path.join(worker.dir, 'stdout.log')})`;
      const tail = await readFileTail(path.join(worker.dir, 'stderr.log'));
      if (tail !== '') exit.stderrTail = tail;
      this.host.listener().onExit(exit);
    }
    worker.resolveGone();
  }
}
