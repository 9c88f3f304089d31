/**
 * The daemon's wire types, imported type-only from the daemon so the UI and the REST API
 * cannot drift apart. Nothing here exists at run time.
 */
export type {
  ExperimentSummary,
  ExperimentDetail,
  TrialDetail,
  TrialLogName,
} from '../../../daemon/service/experiment-service';
export type { LiveDelta } from '../../../daemon/service/live-delta';
export type {
  ExperimentRecord,
  ExperimentStatus,
  TrialRecord,
  TrialStatus,
  TrialQuery,
  TrialPage,
  TrialSortKey,
  MetricRecord,
  TrialEvent,
} from '../../../daemon/store/types';
export type { ExperimentConfig, BudgetUpdate } from '../../../daemon/config/experiment-config';
export type { SearchSpace, ParameterSpec, CostModel } from '../../../tuners/search-space';
export type { MetricValue, TrialParameters, ParameterValue } from '../../../trial-runtime/protocol/messages';
export type { BoardEntry, BoardSnapshot, CheckpointEntry, CheckpointList } from '../../../daemon/watch/checkpoint-types';
export type { TunerBoardEntry, TunerBoardResult } from '../../../daemon/api/routes/tuner-board-routes';
export type { RankEvalView, RankEvalViewRequest, RankScatter } from '../../../daemon/api/routes/rank-eval-view';
export type { RankStatistics } from '../../../trial-runtime/ranking/rank-eval';
export type { CriterionValue } from '../../../trial-runtime/ranking/criterion-value';

import type { TrialStatus, ExperimentStatus } from '../../../daemon/store/types';

/** Every trial status, in the order the UI lists them. */
export const TRIAL_STATUS_LIST: readonly TrialStatus[] = [
  'WAITING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'USER_CANCELED', 'SYS_CANCELED', 'EARLY_STOPPED',
];

/** Every experiment status, in the order the UI lists them. */
export const EXPERIMENT_STATUS_LIST: readonly ExperimentStatus[] = ['RUNNING', 'NO_MORE_TRIAL', 'DONE', 'STOPPED', 'ERROR'];

/** Error body of every failed REST call (docs/rest-api.md). */
export interface ApiErrorBody {
  error: { code: string; message: string; path?: string };
}
