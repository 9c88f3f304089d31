import type { ExperimentRecord, MetricRecord, TrialRecord } from '../store/types';
import type { BoardSnapshot, CheckpointEntry } from '../watch/checkpoint-types';

/**
 * A change pushed to live clients (socket.io room `experiment:<id>`, event name `delta`).
 * `seq` increases by one per experiment; a client that missed some asks for `deltasSince`.
 */
export type LiveDelta =
  | { seq: number; experimentId: string; type: 'trial'; trial: TrialRecord }
  | { seq: number; experimentId: string; type: 'metric'; metric: MetricRecord }
  | { seq: number; experimentId: string; type: 'experiment'; experiment: ExperimentRecord }
  | { seq: number; experimentId: string; type: 'log'; trialId: string; level: string; message: string }
  /** A supernet checkpoint appeared (or changed) in the experiment's checkpoint directory (daemon/watch). */
  | { seq: number; experimentId: string; type: 'checkpoint'; checkpoint: CheckpointEntry }
  /** The Cream board (board.json of the checkpoint directory) was written. */
  | { seq: number; experimentId: string; type: 'board'; board: BoardSnapshot };
