import type { ExperimentRecord, MetricRecord, TrialRecord } from '../store/types';

/**
 * A change pushed to live clients (socket.io room `experiment:<id>`, event name `delta`).
 * `seq` increases by one per experiment; a client that missed some asks for `deltasSince`.
 */
export type LiveDelta =
  | { seq: number; experimentId: string; type: 'trial'; trial: TrialRecord }
  | { seq: number; experimentId: string; type: 'metric'; metric: MetricRecord }
  | { seq: number; experimentId: string; type: 'experiment'; experiment: ExperimentRecord }
  | { seq: number; experimentId: string; type: 'log'; trialId: string; level: string; message: string };
