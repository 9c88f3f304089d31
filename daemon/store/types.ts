import type { ExperimentConfig } from '../config/experiment-config';
import type { MetricValue, TrialParameters } from '../../trial-runtime/protocol/messages';

export type TrialStatus =
  | 'WAITING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'USER_CANCELED'
  | 'SYS_CANCELED'
  | 'EARLY_STOPPED';

export const TRIAL_STATUSES: readonly TrialStatus[] = [
  'WAITING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'USER_CANCELED', 'SYS_CANCELED', 'EARLY_STOPPED',
];

/** True for states a trial never leaves. */
export function isFinished(status: TrialStatus): boolean {
  return status !== 'WAITING' && status !== 'RUNNING';
}

/** True while an experiment runs or finishes its last trials (RUNNING or NO_MORE_TRIAL). */
export function isActiveExperiment(status: ExperimentStatus): boolean {
  return status === 'RUNNING' || status === 'NO_MORE_TRIAL';
}

/**
 * RUNNING: trials are being created/run. NO_MORE_TRIAL: the budget or the tuner is exhausted,
 * running trials finish. DONE: all finished. STOPPED: stopped by the user (or daemon shutdown).
 * ERROR: see `error`.
 */
export type ExperimentStatus = 'RUNNING' | 'NO_MORE_TRIAL' | 'DONE' | 'STOPPED' | 'ERROR';

export interface ExperimentRecord {
  id: string;
  name: string;
  status: ExperimentStatus;
  /** Reason of ERROR (or of the last stop), human readable. */
  error?: string;
  config: ExperimentConfig;
  /** Revision number of `config` (1 at creation, +1 per change). */
  configRevision: number;
  /** ms since epoch. */
  createdAt: number;
  /** ms since epoch of the last (re)start; budgets count running time, see activeMs. */
  startedAt?: number;
  endedAt?: number;
  /** Milliseconds spent RUNNING/NO_MORE_TRIAL across resumes (for maxExperimentDuration). */
  activeMs: number;
}

export interface NewExperiment {
  id: string;
  name: string;
  config: ExperimentConfig;
  createdAt: number;
}

export type ParameterSource = 'tuner' | 'user' | 'retry' | 'resume';

export interface TrialRecord {
  /** Short unique id within the experiment (e.g. "a8Xk2"). */
  id: string;
  /** 0-based creation order. */
  sequence: number;
  parameters: TrialParameters;
  source: ParameterSource;
  /** For retries and re-runs: the trial whose parameters were reused. */
  retryOf?: string;
  /** 0 for a first attempt, n for the n-th retry of the same parameters. */
  attempt: number;
  status: TrialStatus;
  /** Why a WAITING trial waits (no free GPU, concurrency ...). Not an event; overwritten. */
  waitReason?: string;
  /** Final state details. */
  exitCode?: number;
  signal?: string;
  /** Reason of FAILED/EARLY_STOPPED/CANCELED, e.g. "exit code 1: <stderr tail>". */
  reason?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  finalMetric?: MetricValue;
  /** Number of intermediate metrics recorded. */
  intermediateCount: number;
  gpuIndices?: number[];
  /** Absolute directory holding the trial's stdout/stderr/parameters. */
  trialDir: string;
}

export interface NewTrial {
  id: string;
  parameters: TrialParameters;
  source: ParameterSource;
  retryOf?: string;
  attempt: number;
  createdAt: number;
  trialDir: string;
}

/** Fields that may be set together with a status change. */
export interface TrialPatch {
  startedAt?: number;
  endedAt?: number;
  exitCode?: number;
  signal?: string;
  reason?: string;
  gpuIndices?: number[];
}

/** One row of the append-only trial_events table. */
export interface TrialEvent {
  /** Global sequence within the experiment's database. */
  seq: number;
  trialId: string;
  /** Absent for creation. */
  from?: TrialStatus;
  to: TrialStatus;
  at: number;
  reason?: string;
}

export interface MetricRecord {
  trialId: string;
  /** Per-trial sequence number (0, 1, ...), intermediate and final together. */
  seq: number;
  kind: 'intermediate' | 'final';
  value: MetricValue;
  at: number;
}

export type TrialSortKey = 'sequence' | 'status' | 'createdAt' | 'startedAt' | 'endedAt' | 'duration' | 'finalMetric';

export interface TrialQuery {
  status?: TrialStatus[];
  /** Inclusive range on the final metric's default value. */
  metricMin?: number;
  metricMax?: number;
  /** Substring match on id, or on any parameter value (as JSON text). */
  search?: string;
  sort?: TrialSortKey;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface TrialPage {
  items: TrialRecord[];
  total: number;
}

export interface ConfigRevision {
  revision: number;
  config: ExperimentConfig;
  at: number;
}
