import type { TrialToDaemon, TrialParameters } from '../../trial-runtime/protocol/messages';

/** Everything a training service needs to run one trial. */
export interface TrialJob {
  experimentId: string;
  trialId: string;
  sequence: number;
  parameters: TrialParameters;
  /** Absolute; created by the caller. stdout/stderr files go here. */
  trialDir: string;
  command: string;
  /** Absolute working directory of the command. */
  cwd: string;
  /** GPUs this trial needs: 0 = CPU only (CUDA_VISIBLE_DEVICES=""), undefined = not managed. */
  gpuNumber?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the trial as EARLY_STOPPED after this many ms. */
  maxDurationMs?: number;
}

/** Why a job cannot start now. */
export interface WaitReason {
  kind: 'gpu' | 'capacity' | 'starting';
  /** Human readable, e.g. "waiting for 1 free GPU: gpu 0 busy (1/1 trials), gpu 1 used by another process (82% util)". */
  message: string;
}

/** `gpuIndices`: the GPUs the trial got (recorded on the trial), when the service assigns GPUs. */
export type StartResult = { started: true; gpuIndices?: number[] } | { started: false; wait: WaitReason };

/** How a trial ended, as the training service saw it. */
export interface TrialExit {
  trialId: string;
  /** 'exited': process ended by itself (or, in reuse mode, the worker asked for the next trial).
   *  'killed': we killed it on request. 'timeout': maxDurationMs elapsed. 'lost': infra failure. */
  cause: 'exited' | 'killed' | 'timeout' | 'lost';
  exitCode?: number;
  signal?: string;
  /** Last lines of stderr (at most ~4 KiB) for failures. */
  stderrTail?: string;
  /** Extra detail (e.g. Slurm reason). */
  detail?: string;
}

/** Events from a training service, delivered synchronously in order per trial. */
export interface TrainingServiceListener {
  onStarted(trialId: string, info: { pid?: number; gpuIndices?: number[]; jobId?: string }): void;
  onMessage(trialId: string, message: TrialToDaemon): void;
  /** A line on the channel that is not a valid message: logged and counted, never fatal. */
  onMalformed(trialId: string, line: string, error: string): void;
  onExit(exit: TrialExit): void;
  /** Capacity may have grown (a GPU became free, a worker became idle): try to start waiting jobs. */
  onCapacity(): void;
  /** A started job waits in a cluster queue (e.g. Slurm's "Resources"); undefined when it stopped waiting. */
  onPending?(trialId: string, reason: string | undefined): void;
  /**
   * Optional: makes every record written so far (trials created, started) durable against a
   * daemon killed at once (commits a pending group commit). A cluster service calls it right
   * before it hands a trial to a job that outlives the daemon (a reply file, an sbatch), so a
   * restarted daemon never finds a job running a trial it has no record of. Synchronous; may throw StoreError.
   */
  flush?(): void;
  /**
   * Optional: keeps a value of the service's own bookkeeping (e.g. how far it has read a trial's
   * channel) in the experiment's store, written in the same transaction as the trial records
   * that follow from the same events, so both are durable together (group commit, `flush`).
   * `undefined` deletes the key. May throw StoreError.
   */
  saveServiceState?(key: string, value: unknown): void;
  /** Optional, with `saveServiceState`: the value kept under `key`; undefined when none. May throw StoreError. */
  serviceState?(key: string): unknown;
}

/**
 * Runs trials somewhere (local child processes, Slurm jobs). One instance per experiment.
 *
 * `tryStart` is called by the scheduler for the next WAITING trial whenever something changed; it
 * either starts the job (then events follow through the listener) or says why it waits.
 * Concurrency limits of the experiment are applied by the scheduler, GPU limits here.
 */
export interface TrainingService {
  setListener(listener: TrainingServiceListener): void;
  tryStart(job: TrialJob): StartResult;
  /** Kills a running trial: SIGTERM to its process group, SIGKILL after the grace period. Resolves when it is gone. onExit follows with cause 'killed'. */
  kill(trialId: string): Promise<void>;
  /** Kills everything and releases resources (workers, watchers). Resolves when no process is left. */
  shutdown(): Promise<void>;
  /**
   * Optional, on resume after a daemon restart: follows a trial that may still run outside the
   * daemon (a cluster job) to its end. Returns true when it found it (events then follow as for a
   * started job); false when the trial is gone and should be re-run.
   */
  reattach?(trialId: string, trialDir: string): boolean;
  /**
   * True when the service writes nothing into a trial's folder before the trial does (reuse mode:
   * a worker's logs and records live in the worker's folder). The runner then only names the
   * folder and does not create it; the trial SDKs create it on first use (`getTrialDir()`), so
   * thousands of trials that keep no file cost no folder. Absent: the folder is created first.
   */
  readonly trialDirsOnDemand?: boolean;
  /** Optional: ends idle reuse-mode workers beyond `keep`; returns how many were ended. */
  trimIdleWorkers?(keep: number): number;
}
