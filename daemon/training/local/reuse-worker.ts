/**
 * One reuse-mode worker: a long-lived trial process that runs trial after trial. It asks with
 * `request_parameters`; each request after a trial (or a `trial_done`) ends that trial with
 * cause 'exited', exit code 0. A worker that dies mid-trial ends the trial with its exit status
 * and stderr tail. Owned by `ReusePool`, which decides what it runs.
 */
import * as path from 'node:path';
import { encodeMessage } from '../../../trial-runtime/protocol/encode-message';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import type { TrialExit, TrialJob, TrainingServiceListener } from '../training-service';
import { parametersMessage, WORKER_TRIALS_FILE, workerTrialLine } from '../service-common';
import { readFileTail } from './file-tail';
import type { ProcessLauncher } from './process-launcher';
import { TrialProcess, trialExitOf, type ProcessExit } from './trial-process';

/** What a worker needs from its pool. */
export interface WorkerHost {
  listener(): TrainingServiceListener;
  log(line: string): void;
  /** Appends to a file for people off the event loop (created when missing; failures are logged). */
  appendFile(file: string, data: string): void;
  /** The worker can take a trial (it has none and is not retiring). Must not emit events. */
  onAssignable(worker: ReuseWorker): void;
  /** The worker no longer runs `trialId` (called before the trial's onExit). */
  onTrialEnded(worker: ReuseWorker, trialId: string): void;
  /** The worker's process is gone and every event about its trial was delivered. */
  onGone(worker: ReuseWorker): void;
}

/** Where and how to start the worker process. */
export interface WorkerSpawn {
  launcher: ProcessLauncher;
  id: number;
  /** Job's gpuNumber, or -1 when unmanaged: workers only take jobs with the same key. */
  gpuKey: number;
  gpuIndices: number[] | undefined;
  shell: string;
  command: string;
  cwd: string;
  env: Record<string, string>;
  logDir: string;
  killGraceMs: number;
  /** The worker's process runs (pid) or could not start (undefined); called once, before any event. */
  onStarted(pid: number | undefined): void;
}

const NO_MORE_TRIALS = encodeMessage({ type: 'no_more_trials' });

/** A worker process plus its current assignment. Spawns in the constructor. */
export class ReuseWorker {
  readonly id: number;
  readonly gpuKey: number;
  readonly gpuIndices: number[] | undefined;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** `trials.jsonl` in the worker's log folder: one line per trial handed to it. */
  readonly trialsLogPath: string;
  readonly process: TrialProcess;
  /** Resolves after the process is gone and its trial's onExit (if any) was delivered. */
  readonly gone: Promise<void>;
  /** The trial it runs, or waits to hand over at the next request. */
  job: TrialJob | undefined;
  /** Whether `job`'s parameters were sent (the trial is running inside the worker). */
  private sent = false;
  private cause: TrialExit['cause'] | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private requestPending = false;
  private retiring = false;
  private readonly host: WorkerHost;
  private resolveGone!: () => void;

  constructor(spawn: WorkerSpawn, host: WorkerHost) {
    this.id = spawn.id;
    this.gpuKey = spawn.gpuKey;
    this.gpuIndices = spawn.gpuIndices;
    this.host = host;
    this.stdoutPath = path.join(spawn.logDir, 'stdout.log');
    this.stderrPath = path.join(spawn.logDir, 'stderr.log');
    this.trialsLogPath = path.join(spawn.logDir, WORKER_TRIALS_FILE);
    this.gone = new Promise((resolve) => {
      this.resolveGone = resolve;
    });
    this.process = new TrialProcess({
      launcher: spawn.launcher,
      shell: spawn.shell,
      command: spawn.command,
      cwd: spawn.cwd,
      env: spawn.env,
      stdoutPath: this.stdoutPath,
      stderrPath: this.stderrPath,
      killGraceMs: spawn.killGraceMs,
      log: (line) => host.log(line),
      onLine: (line) => this.onLine(line),
      onLineError: (error, preview) => this.onMalformed(preview, error),
      onStarted: (pid) => spawn.onStarted(pid),
      // Its end can only be seen as the channel closing: let it finish its trial, then exit.
      onLost: () => this.retire(),
      onExit: (exit) => void this.onExit(exit),
    });
  }

  /** True when it can be given a trial now. */
  get assignable(): boolean {
    return this.job === undefined && !this.retiring && !this.process.exited;
  }

  /** Gives the worker a trial; sent at once if it is waiting, else at its next request. Assumes `assignable`. */
  assign(job: TrialJob): void {
    this.job = job;
    this.sent = false;
    this.cause = undefined;
    if (this.requestPending) this.deliver();
  }

  /** Ends the worker (and its trial, with `cause`): SIGTERM to its group, then SIGKILL. Resolves when gone. */
  kill(cause: TrialExit['cause']): Promise<void> {
    if (this.job !== undefined && this.cause === undefined) this.cause = cause;
    this.retiring = true;
    void this.process.kill();
    return this.gone;
  }

  /** Asks an idle worker to exit by itself (`no_more_trials`, now or at its next request). */
  retire(): void {
    this.retiring = true;
    if (this.requestPending && this.job === undefined) {
      this.requestPending = false;
      this.process.send(NO_MORE_TRIALS);
    }
  }

  private deliver(): void {
    const job = this.job!;
    this.requestPending = false;
    this.sent = true;
    this.process.send(encodeMessage(parametersMessage(job)));
    if (job.maxDurationMs !== undefined) {
      this.deadline = setTimeout(() => void this.kill('timeout'), job.maxDurationMs);
    }
    // For people: which worker ran the trial, with what. One line appended to the worker's own
    // file (on a background thread) instead of files in the trial folder: creating a file costs
    // 50-200 us of file-system journaling here, appending to an open-ended one a fraction of it.
    this.host.appendFile(this.trialsLogPath, workerTrialLine(job, Date.now()));
  }

  private onLine(line: string): void {
    const parsed = parseTrialMessage(line);
    if (!parsed.ok) {
      this.onMalformed(line, parsed.error);
      return;
    }
    const message = parsed.message;
    if (message.type === 'request_parameters') {
      const ended = this.takeRunningTrial();
      if (this.job !== undefined) {
        this.deliver();
      } else if (this.retiring) {
        this.process.send(NO_MORE_TRIALS);
      } else {
        this.requestPending = true;
        this.host.onAssignable(this);
      }
      if (ended !== undefined) this.announceEnd(ended);
      return;
    }
    if (message.type === 'trial_done') {
      const ended = this.takeRunningTrial();
      if (ended !== undefined) {
        if (!this.retiring) this.host.onAssignable(this);
        this.announceEnd(ended);
      }
      return;
    }
    if (this.job !== undefined && this.sent) this.host.listener().onMessage(this.job.trialId, message);
    else if (message.type !== 'hello') this.host.log(`worker ${this.id}: ${message.type} message outside any trial ignored`);
  }

  private onMalformed(line: string, error: string): void {
    if (this.job !== undefined && this.sent) this.host.listener().onMalformed(this.job.trialId, line, error);
    else this.host.log(`worker ${this.id}: malformed line outside any trial (${error}): ${line.slice(0, 200)}`);
  }

  /** Detaches the running trial (if its parameters were sent); returns its id. */
  private takeRunningTrial(): string | undefined {
    if (this.job === undefined || !this.sent) return undefined;
    const trialId = this.job.trialId;
    this.clearTrial();
    return trialId;
  }

  /**
   * Reports a normally finished trial. The worker is already idle, so the scheduler may hand it
   * the next trial from inside onExit; onCapacity follows for schedulers that wait for it.
   */
  private announceEnd(trialId: string): void {
    const listener = this.host.listener();
    listener.onExit({ trialId, cause: 'exited', exitCode: 0 });
    if (this.assignable) listener.onCapacity();
  }

  private clearTrial(): void {
    if (this.job !== undefined) this.host.onTrialEnded(this, this.job.trialId);
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.deadline = undefined;
    this.job = undefined;
    this.sent = false;
    this.cause = undefined;
  }

  private async onExit(exit: ProcessExit): Promise<void> {
    const job = this.job;
    const cause = this.cause;
    this.retiring = true;
    this.requestPending = false;
    if (job !== undefined) {
      const stderrTail = await readFileTail(this.stderrPath);
      this.clearTrial();
      this.host.listener().onExit(
        trialExitOf(job.trialId, exit, cause, stderrTail, `reuse worker ${this.id} ended during the trial (log: ${this.stdoutPath})`),
      );
    } else if (exit.spawnError !== undefined || (exit.exitCode !== undefined && exit.exitCode !== 0)) {
      this.host.log(`reuse worker ${this.id} ended (${exit.spawnError ?? `exit code ${exit.exitCode}`}); see ${this.stderrPath}`);
    }
    this.host.onGone(this);
    this.resolveGone();
  }
}
