import type {
  ConfigRevision, ExperimentRecord, ExperimentStatus, MetricRecord, NewExperiment, NewTrial,
  TrialEvent, TrialPage, TrialPatch, TrialQuery, TrialRecord, TrialStatus,
} from './types';
import type { ExperimentConfig } from '../config/experiment-config';
import type { MetricValue, TrialParameters } from '../../trial-runtime/protocol/messages';

/** What a chart needs of one trial: number, id, final metric, times (no parameters, events, metrics). */
export type TrialChartRow = Pick<TrialRecord, 'sequence' | 'id' | 'finalMetric' | 'startedAt' | 'endedAt'>;

/** Every trial as chart rows, in sequence order, and a way to read the parameters of row i. */
export interface TrialChartRows {
  rows: TrialChartRow[];
  /**
   * The parameters of `rows[i]`. Valid until the store changes or closes: call it right away
   * (the charts route asks for a sample of 5,000 rows, or for all when `withParameters`).
   */
  parametersOf(i: number): TrialParameters;
}

/**
 * Everything persisted about ONE experiment. Implementations: SQLite (one database file per
 * experiment, WAL) and in-memory; both pass test/daemon/store/store-contract.ts.
 *
 * All methods are synchronous (better-sqlite3 is). Every trial status change is one transaction:
 * a compare-and-set on the trial row plus an appended trial_events row.
 */
export interface ExperimentStore {
  /** Creates the experiment row and config revision 1. Throws ConflictError if it exists. */
  createExperiment(e: NewExperiment): ExperimentRecord;
  /** Throws NotFoundError if the store holds no experiment. */
  getExperiment(): ExperimentRecord;
  /** Sets status (and error text; undefined clears it) plus optional timestamps. */
  setExperimentStatus(
    status: ExperimentStatus,
    patch?: { error?: string | undefined; startedAt?: number; endedAt?: number | undefined },
  ): ExperimentRecord;
  /** Adds `ms` to activeMs (called when a run segment ends, and periodically is NOT needed). */
  addActiveMs(ms: number): void;
  /** Stores a new config revision when it differs from the current one; returns the current revision number. */
  updateConfig(config: ExperimentConfig, at: number): number;
  configRevisions(): ConfigRevision[];

  /** Inserts a WAITING trial with the next sequence number and a creation event. */
  createTrial(t: NewTrial): TrialRecord;
  /**
   * Compare-and-set: moves trial `id` from `from` to `to` with `patch`, appending an event.
   * Returns the updated record, or null when the trial is not in `from` (lost a race).
   * Throws InvalidTransitionError when `from` is a finished state, NotFoundError for unknown ids.
   */
  transitionTrial(id: string, from: TrialStatus, to: TrialStatus, patch?: TrialPatch): TrialRecord | null;
  /** Overwrites the wait reason of a WAITING trial (no event). */
  setWaitReason(id: string, reason: string | undefined): void;
  getTrial(id: string): TrialRecord | undefined;
  listTrials(q?: TrialQuery): TrialPage;
  /** All trials in sequence order (for tuner history; cheap enough for 100k trials). */
  allTrials(): TrialRecord[];
  /**
   * Every trial as chart rows (the charts route: 100,000 trials in a few hundred ms, where
   * allTrials builds full records). `withParameters`: every row's parameters will be asked for
   * (a cost model prices each trial), so read them in the same pass instead of one by one.
   */
  trialChartRows(withParameters: boolean): TrialChartRows;
  countByStatus(): Record<TrialStatus, number>;
  trialEvents(trialId?: string): TrialEvent[];

  /**
   * Records a metric; a final metric also sets the trial's finalMetric (a second final metric
   * replaces it and is recorded). Returns the record with its per-trial sequence number.
   */
  addMetric(trialId: string, kind: 'intermediate' | 'final', value: MetricValue, at: number): MetricRecord;
  metrics(trialId: string): MetricRecord[];
  /** The latest metric of every trial that has one. */
  latestMetrics(): MetricRecord[];

  /** Small key/value area for daemon bookkeeping (e.g. tuner info); values are JSON. */
  getMeta(key: string): unknown;
  setMeta(key: string, value: unknown): void;

  /**
   * Makes every write so far durable (a store with group commit holds the last few ms of writes
   * in an open transaction; others do nothing). The daemon calls it before answering anything a
   * client can observe, so nothing a user saw can be lost in a crash.
   */
  flush(): void;

  close(): void;
}
