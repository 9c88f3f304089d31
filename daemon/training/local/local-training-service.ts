/**
 * Runs trials as child processes on this machine (the `local` platform): one process group per
 * trial (or per reuse worker), stdout/stderr to files in the trial directory, the protocol on
 * fd 3, GPUs handed out through CUDA_VISIBLE_DEVICES after checking nvidia-smi. Processes are
 * forked by a small spawner process (`spawner-client.ts`), so the daemon's event loop never pays
 * for fork(); NASCTL_SPAWNER=0 (or the `spawner: false` option) spawns from the daemon directly.
 */
import * as path from 'node:path';
import { ConflictError } from '../../errors';
import type { LocalTrainingServiceConfig } from '../../config/experiment-config';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import { encodeMessage } from '../../../trial-runtime/protocol/encode-message';
import type { StartResult, TrainingService, TrainingServiceListener, TrialExit, TrialJob, WaitReason } from '../training-service';
import { NOOP_LISTENER, parametersMessage } from '../service-common';
import { BackgroundFiles } from '../background-files';
import { allocateGpus, type GpuAllocation, type GpuAllocationInput, type GpuState } from './gpu-allocator';
import { GpuMonitor, type GpuSnapshot } from './gpu-monitor';
import { findShell } from './find-shell';
import { readFileTail } from './file-tail';
import { ReusePool } from './reuse-pool';
import { buildTrialEnv, plainEnv } from './trial-env';
import { TrialProcess, trialExitOf, type ProcessExit } from './trial-process';
import type { ProcessLauncher } from './process-launcher';
import { DirectLauncher } from './direct-launcher';
import { SpawnerLauncher } from './spawner-client';

/** Constructor options. Only `config` is required. */
export interface LocalTrainingServiceOptions {
  config: LocalTrainingServiceConfig;
  /** Default "nvidia-smi" (found on PATH). */
  nvidiaSmiPath?: string;
  /** SIGTERM -> SIGKILL delay when killing (default 5000). */
  killGraceMs?: number;
  /** Minimum time between two nvidia-smi queries, also how long a snapshot counts as fresh (default 3000). */
  gpuPollMinIntervalMs?: number;
  /** Diagnostics (default: dropped). */
  log?: (line: string) => void;
  /** Called after every nvidia-smi query with its result (diagnostics, tests). */
  onGpuRefresh?: (snapshot: GpuSnapshot) => void;
  /** Reuse mode: where worker logs go (default: `<trialDir>/../../workers`, beside the `trials` folder). */
  workersDir?: string;
  /**
   * Fork trial processes in a separate spawner process (default: true unless the environment
   * variable NASCTL_SPAWNER is "0"); false spawns them from the daemon (tests, debugging).
   */
  spawner?: boolean;
}

/** Whether the spawner is wanted: the option, else NASCTL_SPAWNER (anything but "0" means yes). */
export function spawnerWanted(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return option ?? env['NASCTL_SPAWNER'] !== '0';
}

/** A spawn-mode trial. */
interface SpawnedTrial {
  job: TrialJob;
  process: TrialProcess;
  gpuIndices: number[] | undefined;
  cause: TrialExit['cause'] | undefined;
  deadline: NodeJS.Timeout | undefined;
  ended: Promise<void>;
}

const NO_MORE_TRIALS = encodeMessage({ type: 'no_more_trials' });

/** The local training service. One per experiment; `shutdown()` before dropping it. */
export class LocalTrainingService implements TrainingService {
  private readonly config: LocalTrainingServiceConfig;
  private readonly killGraceMs: number;
  private readonly log: (line: string) => void;
  /** A plain copy of process.env taken once: enumerating process.env itself is slow, per trial. */
  private readonly baseEnv = plainEnv(process.env);
  private readonly shell: string;
  private readonly workersDir: string | undefined;
  private listener: TrainingServiceListener = NOOP_LISTENER;
  private readonly spawned = new Map<string, SpawnedTrial>();
  private readonly pool: ReusePool | undefined;
  private readonly gpus: GpuMonitor;
  /** GPU index -> our trials (spawn mode) or workers (reuse mode) holding it. */
  private readonly trialsPerGpu = new Map<number, number>();
  /** Process-group ids of our live children (never "other processes" on a GPU). */
  private readonly ownGroups = new Set<number>();
  /** gpuNumber of a GPU job that was told to wait; undefined when none waits. */
  private gpuWaitingFor: number | undefined;
  private shuttingDown = false;
  /** Writes the files for people (spawn mode: parameters.json; reuse mode: each worker's trials.jsonl) off the event loop. */
  private readonly files: BackgroundFiles;
  private readonly onGpuRefresh: ((snapshot: GpuSnapshot) => void) | undefined;
  /** Starts every process of this service (the spawner, or direct spawns). */
  readonly launcher: ProcessLauncher;

  constructor(options: LocalTrainingServiceOptions) {
    this.config = options.config;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.log = options.log ?? (() => {});
    this.shell = findShell();
    this.workersDir = options.workersDir;
    this.onGpuRefresh = options.onGpuRefresh;
    this.files = new BackgroundFiles({ log: this.log });
    this.launcher = spawnerWanted(options.spawner) ? new SpawnerLauncher({ log: this.log }) : new DirectLauncher(this.log);
    this.gpus = new GpuMonitor({
      nvidiaSmiPath: options.nvidiaSmiPath ?? 'nvidia-smi',
      minIntervalMs: options.gpuPollMinIntervalMs ?? 3000,
      ownProcessGroups: () => this.ownGroups,
      onRefreshed: () => this.onGpuRefreshed(),
    });
    if (this.config.reuseMode) {
      this.pool = new ReusePool({
        listener: () => this.listener,
        log: this.log,
        launcher: this.launcher,
        shell: this.shell,
        killGraceMs: this.killGraceMs,
        workersDir: (job) => this.workersDir ?? path.resolve(path.dirname(job.trialDir), '..', 'workers'),
        workerEnv: (job, gpuIndices) => buildTrialEnv(job, this.config.env, gpuIndices, true, this.baseEnv),
        appendFile: (file, data) => this.files.append(file, data),
        onWorkerGone: (worker) => {
          if (worker.process.pid !== undefined) this.ownGroups.delete(worker.process.pid);
          this.releaseGpus(worker.gpuIndices);
        },
      });
    }
  }

  /** Called once by the scheduler before the first `tryStart`. */
  setListener(listener: TrainingServiceListener): void {
    this.listener = listener;
  }

  /** Reuse mode writes nothing into a trial's folder (see TrainingService.trialDirsOnDemand). */
  get trialDirsOnDemand(): boolean {
    return this.config.reuseMode === true;
  }

  /**
   * Starts `job` or says why it waits ('gpu': no fresh nvidia-smi view or no free GPU;
   * 'capacity': shutting down). Events follow through the listener, `onStarted` first (after
   * this returns). Throws ConflictError if the trial is already running here.
   */
  tryStart(job: TrialJob): StartResult {
    if (this.shuttingDown) return wait('capacity', 'the local training service is shutting down');
    if (this.spawned.has(job.trialId) || this.pool?.has(job.trialId)) {
      throw new ConflictError(`trial ${job.trialId} is already running on the local training service; kill it before starting it again`);
    }
    if (this.pool !== undefined && this.pool.assignIdle(job)) {
      queueMicrotask(() => this.listener.onStarted(job.trialId, {}));
      return { started: true };
    }
    let gpuIndices: number[] | undefined;
    const need = job.gpuNumber ?? 0;
    if (need > 0) {
      const allocation = this.allocate(need);
      if (!allocation.ok) return wait('gpu', allocation.reason);
      gpuIndices = allocation.indices;
      for (const index of gpuIndices) this.trialsPerGpu.set(index, (this.trialsPerGpu.get(index) ?? 0) + 1);
    }
    // onStarted comes (asynchronously) once the process runs, with its pid, before any message.
    const onStarted = (pid: number | undefined): void => {
      if (pid !== undefined) this.ownGroups.add(pid);
      const info: { pid?: number; gpuIndices?: number[] } = {};
      if (pid !== undefined) info.pid = pid;
      if (gpuIndices !== undefined) info.gpuIndices = gpuIndices;
      this.listener.onStarted(job.trialId, info);
    };
    if (this.pool !== undefined) this.pool.spawnFor(job, gpuIndices, onStarted);
    else this.spawnTrial(job, gpuIndices, onStarted);
    return gpuIndices === undefined ? { started: true } : { started: true, gpuIndices };
  }

  /** Kills a running trial (its process group; in reuse mode its worker). Resolves after its onExit; at once if unknown. */
  async kill(trialId: string): Promise<void> {
    const trial = this.spawned.get(trialId);
    if (trial !== undefined) {
      trial.cause ??= 'killed';
      void trial.process.kill();
      await trial.ended;
      return;
    }
    if (this.pool !== undefined) await this.pool.kill(trialId, 'killed');
  }

  /**
   * Reuse mode: keeps at most `keep` idle workers and asks the others to exit. Called by the
   * scheduler when no waiting trial is left. Returns how many were asked; 0 in spawn mode.
   */
  trimIdleWorkers(keep: number): number {
    return this.pool?.trimIdle(keep) ?? 0;
  }

  /**
   * Kills every trial, ends every worker, stops GPU polling and the spawner. Resolves when no
   * process of ours is left.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.gpus.dispose();
    const pending: Promise<void>[] = [];
    for (const trialId of [...this.spawned.keys()]) pending.push(this.kill(trialId));
    if (this.pool !== undefined) pending.push(this.pool.shutdown(this.killGraceMs));
    await Promise.all(pending);
    await this.launcher.close();
    await this.files.close();
  }

  private spawnTrial(job: TrialJob, gpuIndices: number[] | undefined, onStarted: (pid: number | undefined) => void): void {
    // Off the event loop: the trial gets its parameters over fd 3; this file is for people.
    this.files.write(path.join(job.trialDir, 'parameters.json'), JSON.stringify(job.parameters));
    const parametersLine = encodeMessage(parametersMessage(job));
    let answered = false;
    let resolveEnded!: () => void;
    const trial: SpawnedTrial = {
      job,
      gpuIndices,
      cause: undefined,
      deadline: undefined,
      ended: new Promise((resolve) => {
        resolveEnded = resolve;
      }),
      process: undefined as unknown as TrialProcess,
    };
    trial.process = new TrialProcess({
      launcher: this.launcher,
      shell: this.shell,
      command: job.command,
      cwd: job.cwd,
      env: buildTrialEnv(job, this.config.env, gpuIndices, false, this.baseEnv),
      stdoutPath: path.join(job.trialDir, 'stdout.log'),
      stderrPath: path.join(job.trialDir, 'stderr.log'),
      killGraceMs: this.killGraceMs,
      log: this.log,
      onLine: (line) => {
        const parsed = parseTrialMessage(line);
        if (!parsed.ok) {
          this.listener.onMalformed(job.trialId, line, parsed.error);
        } else if (parsed.message.type === 'request_parameters') {
          // Spawn mode runs one trial: the first request gets it, later ones end the loop.
          trial.process.send(answered ? NO_MORE_TRIALS : parametersLine);
          answered = true;
        } else {
          this.listener.onMessage(job.trialId, parsed.message);
        }
      },
      onLineError: (error, preview) => this.listener.onMalformed(job.trialId, preview, error),
      onStarted,
      onExit: (exit) => void this.onSpawnedExit(trial, exit).finally(resolveEnded),
    });
    this.spawned.set(job.trialId, trial);
    if (job.maxDurationMs !== undefined) {
      trial.deadline = setTimeout(() => {
        trial.cause ??= 'timeout';
        void trial.process.kill();
      }, job.maxDurationMs);
    }
  }

  private async onSpawnedExit(trial: SpawnedTrial, exit: ProcessExit): Promise<void> {
    if (trial.deadline !== undefined) clearTimeout(trial.deadline);
    // The tail explains failures; a clean exit needs none (saves three file operations per trial).
    const clean = exit.exitCode === 0 && exit.signal === undefined && exit.spawnError === undefined && trial.cause === undefined;
    const stderrTail = clean ? '' : await readFileTail(path.join(trial.job.trialDir, 'stderr.log'));
    this.spawned.delete(trial.job.trialId);
    if (trial.process.pid !== undefined) this.ownGroups.delete(trial.process.pid);
    this.releaseGpus(trial.gpuIndices);
    this.listener.onExit(trialExitOf(trial.job.trialId, exit, trial.cause, stderrTail));
  }

  private allocate(need: number): GpuAllocation {
    const snapshot = this.gpus.fresh();
    if (snapshot === undefined || !snapshot.ok) {
      this.gpuWaitingFor = need;
      this.gpus.requestRefresh();
      if (snapshot !== undefined && !snapshot.ok) return snapshot;
      const last = this.gpus.last();
      if (last === undefined) return { ok: false, reason: 'waiting for nvidia-smi to report the GPUs' };
      const before = last.ok ? this.allocateFrom(last.gpus, need) : last;
      return { ok: false, reason: before.ok ? 'checking with nvidia-smi that the GPUs are still free' : `${before.reason} (checking again)` };
    }
    const allocation = this.allocateFrom(snapshot.gpus, need);
    if (allocation.ok) {
      this.gpuWaitingFor = undefined;
    } else {
      this.gpuWaitingFor = need;
      this.gpus.requestRefresh();
    }
    return allocation;
  }

  private allocateFrom(gpus: readonly GpuState[], need: number): GpuAllocation {
    const input: GpuAllocationInput = {
      gpus,
      trialsPerGpu: this.trialsPerGpu,
      maxTrialNumberPerGpu: this.config.maxTrialNumberPerGpu,
      useActiveGpu: this.config.useActiveGpu ?? false,
      gpuNumber: need,
    };
    if (this.config.gpuIndices !== undefined) input.gpuIndices = this.config.gpuIndices;
    return allocateGpus(input);
  }

  private onGpuRefreshed(): void {
    const latest = this.gpus.last();
    if (latest !== undefined) this.onGpuRefresh?.(latest);
    const need = this.gpuWaitingFor;
    if (need === undefined || this.shuttingDown) return;
    const snapshot = this.gpus.fresh();
    if (snapshot !== undefined && snapshot.ok && this.allocateFrom(snapshot.gpus, need).ok) {
      this.gpuWaitingFor = undefined;
      this.listener.onCapacity();
    } else {
      this.gpus.requestRefresh();
    }
  }

  private releaseGpus(indices: readonly number[] | undefined): void {
    if (indices === undefined) return;
    for (const index of indices) {
      const count = (this.trialsPerGpu.get(index) ?? 1) - 1;
      if (count <= 0) this.trialsPerGpu.delete(index);
      else this.trialsPerGpu.set(index, count);
    }
    // Our process may still show in the old snapshot: look again before the next GPU start.
    this.gpus.invalidate();
  }
}

function wait(kind: WaitReason['kind'], message: string): StartResult {
  return { started: false, wait: { kind, message } };
}
