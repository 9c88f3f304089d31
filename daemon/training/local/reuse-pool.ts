/**
 * The reuse-mode worker pool of the local training service: hands trials to idle workers,
 * spawns workers on demand, and retires idle ones. GPU choice stays with the service: a new
 * worker comes with the GPUs it will keep for its whole life.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { TrialExit, TrialJob, TrainingServiceListener } from '../training-service';
import type { ProcessLauncher } from './process-launcher';
import { ReuseWorker, type WorkerHost } from './reuse-worker';
import { gpuKeyOf } from '../service-common';

/** What the pool needs from the service. */
export interface ReusePoolHost {
  listener(): TrainingServiceListener;
  log(line: string): void;
  launcher: ProcessLauncher;
  shell: string;
  killGraceMs: number;
  /** Directory under which each worker gets `worker-<n>/` with its logs. */
  workersDir(job: TrialJob): string;
  /** Environment of a new worker started for `job` with these GPUs. */
  workerEnv(job: TrialJob, gpuIndices: number[] | undefined): Record<string, string>;
  /** A worker's process ended: give back its GPUs and forget its process group. */
  onWorkerGone(worker: ReuseWorker): void;
  /** Appends to a file for people off the event loop (created when missing; failures are logged). */
  appendFile(file: string, data: string): void;
}

/** One per service in reuse mode. */
export class ReusePool {
  private readonly host: ReusePoolHost;
  private readonly workers = new Set<ReuseWorker>();
  /** gpuKey -> workers that may be assignable (checked when popped). */
  private readonly idle = new Map<number, ReuseWorker[]>();
  private readonly byTrial = new Map<string, ReuseWorker>();
  private nextWorkerId = 0;
  private readonly workerHost: WorkerHost;

  constructor(host: ReusePoolHost) {
    this.host = host;
    this.workerHost = {
      listener: () => host.listener(),
      log: (line) => host.log(line),
      appendFile: (file, data) => host.appendFile(file, data),
      onAssignable: (worker) => this.pushIdle(worker),
      onTrialEnded: (worker, trialId) => {
        if (this.byTrial.get(trialId) === worker) this.byTrial.delete(trialId);
      },
      onGone: (worker) => {
        this.workers.delete(worker);
        host.onWorkerGone(worker);
      },
    };
  }

  /** True if `trialId` is assigned to a worker (running or about to be sent). */
  has(trialId: string): boolean {
    const worker = this.byTrial.get(trialId);
    return worker !== undefined && worker.job?.trialId === trialId;
  }

  /** Gives `job` to an idle worker with the same GPU key; false when there is none. */
  assignIdle(job: TrialJob): boolean {
    const stack = this.idle.get(gpuKeyOf(job));
    if (stack === undefined) return false;
    while (stack.length > 0) {
      const worker = stack.pop()!;
      if (!worker.assignable) continue;
      this.assign(worker, job);
      return true;
    }
    return false;
  }

  /**
   * Starts a new worker for `job` on `gpuIndices` (already allocated by the service). Returns it;
   * `onStarted` hears once, asynchronously, the worker's pid (undefined if it could not start).
   */
  spawnFor(job: TrialJob, gpuIndices: number[] | undefined, onStarted: (pid: number | undefined) => void): ReuseWorker {
    const id = this.nextWorkerId++;
    const logDir = path.join(this.host.workersDir(job), `worker-${id}`);
    mkdirSync(logDir, { recursive: true });
    const worker = new ReuseWorker(
      {
        launcher: this.host.launcher,
        id,
        gpuKey: gpuKeyOf(job),
        gpuIndices,
        shell: this.host.shell,
        command: job.command,
        cwd: job.cwd,
        env: this.host.workerEnv(job, gpuIndices),
        logDir,
        killGraceMs: this.host.killGraceMs,
        onStarted,
      },
      this.workerHost,
    );
    this.workers.add(worker);
    this.assign(worker, job);
    return worker;
  }

  /** Kills the worker running `trialId` (the trial ends with `cause`). Resolves when it is gone; at once if unknown. */
  kill(trialId: string, cause: TrialExit['cause']): Promise<void> {
    const worker = this.byTrial.get(trialId);
    if (worker === undefined || worker.job?.trialId !== trialId) return Promise.resolve();
    return worker.kill(cause);
  }

  /**
   * Keeps at most `keep` idle workers; asks the others to exit (`no_more_trials`). Called by the
   * scheduler when no more trials will come soon. Returns how many were retired.
   */
  trimIdle(keep: number): number {
    let idleSeen = 0;
    let retired = 0;
    for (const worker of this.workers) {
      if (!worker.assignable) continue;
      idleSeen += 1;
      if (idleSeen > keep) {
        worker.retire();
        retired += 1;
      }
    }
    return retired;
  }

  /**
   * Ends every worker: idle ones are asked to exit and killed after the grace period, busy ones
   * are killed (their trials end as 'killed'). Resolves when all are gone.
   */
  async shutdown(killGraceMs: number): Promise<void> {
    const gone: Promise<void>[] = [];
    for (const worker of this.workers) {
      if (worker.job === undefined) {
        worker.retire();
        const timer = setTimeout(() => void worker.kill('killed'), killGraceMs);
        gone.push(worker.gone.then(() => clearTimeout(timer)));
      } else {
        gone.push(worker.kill('killed'));
      }
    }
    await Promise.all(gone);
  }

  private assign(worker: ReuseWorker, job: TrialJob): void {
    worker.assign(job);
    this.byTrial.set(job.trialId, worker);
  }

  private pushIdle(worker: ReuseWorker): void {
    let stack = this.idle.get(worker.gpuKey);
    if (stack === undefined) {
      stack = [];
      this.idle.set(worker.gpuKey, stack);
    }
    stack.push(worker);
  }
}
