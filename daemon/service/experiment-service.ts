import type { ExperimentRecord, TrialRecord, TrialQuery, TrialPage, MetricRecord, TrialEvent, TrialStatus } from '../store/types';
import type { BudgetUpdate } from '../config/experiment-config';
import type { TrialParameters } from '../../trial-runtime/protocol/messages';
import type { LiveDelta } from './live-delta';
import type { TrialChartRows } from '../store/store';

/** One row of `experiment list`. */
export interface ExperimentSummary {
  id: string;
  name: string;
  status: ExperimentRecord['status'];
  error?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  trialCounts: Record<TrialStatus, number>;
  /** Best final `default` metric so far, by the tuner's optimize mode. */
  bestMetric?: number;
  /** true when the daemon is running this experiment (false: view-only / not loaded). */
  loaded: boolean;
  readOnly: boolean;
  /** Absolute directory of the experiment. */
  dir: string;
}

export interface ExperimentDetail extends ExperimentSummary {
  record: ExperimentRecord;
  /** Why waiting trials wait right now (concurrency, no free GPU, budget). */
  waitReasons: string[];
  /** Lines trials wrote on the protocol channel that were not valid messages (since the daemon loaded it; each is in that trial's trial.log). */
  malformedProtocolLines?: number;
}

export interface TrialDetail {
  trial: TrialRecord;
  metrics: MetricRecord[];
  events: TrialEvent[];
}

export type TrialLogName = 'stdout' | 'stderr' | 'trial';

/**
 * The daemon's operations, as used by the REST API (daemon/api) and the socket.io layer
 * (daemon/live). Implemented by the experiment manager. Methods throw typed errors from
 * daemon/errors.ts (NotFoundError for unknown ids, ConfigError for invalid configs,
 * ConflictError for wrong states); the API renders them.
 */
export interface ExperimentService {
  listExperiments(): ExperimentSummary[];
  getExperiment(id: string): ExperimentDetail;
  /**
   * Validates `rawConfig` (an object as parsed from YAML; relative paths resolve against
   * `baseDir`) and starts the experiment. Returns its id.
   */
  createExperiment(rawConfig: unknown, baseDir: string): Promise<{ id: string; notices: string[] }>;
  updateExperiment(id: string, update: BudgetUpdate): ExperimentDetail;
  stopExperiment(id: string): Promise<void>;
  resumeExperiment(id: string): Promise<void>;
  /** Loads an experiment read-only (no trials run). */
  viewExperiment(id: string): ExperimentDetail;
  /** Stops it if running and removes its directory. */
  deleteExperiment(id: string): Promise<void>;

  listTrials(id: string, query: TrialQuery): TrialPage;
  /**
   * Every trial of experiment `id` as chart rows (the charts route), read through its store's
   * narrow query; `withParameters` as in ExperimentStore.trialChartRows. NotFoundError for an unknown id.
   */
  trialChartRows(id: string, withParameters: boolean): TrialChartRows;
  getTrial(id: string, trialId: string): TrialDetail;
  killTrial(id: string, trialId: string): Promise<TrialRecord>;
  /** Adds a trial with given parameters (customized trial). */
  addTrial(id: string, parameters: TrialParameters): TrialRecord;
  /** Re-runs a finished trial's parameters as a new trial. */
  retryTrial(id: string, trialId: string): TrialRecord;

  metrics(id: string, trialId: string): MetricRecord[];
  latestMetrics(id: string): MetricRecord[];
  /** Absolute path of a trial's log file (inside its trial directory; may not exist yet). */
  trialLogPath(id: string, trialId: string, name: TrialLogName): string;
  exportExperiment(id: string, format: 'csv' | 'json'): string;

  /** Live deltas of every experiment; returns an unsubscribe function. */
  subscribe(listener: (delta: LiveDelta) => void): () => void;
  /** Deltas of experiment `id` after `seq`, or null when they are no longer kept (client must reload). */
  deltasSince(id: string, seq: number): LiveDelta[] | null;
}
