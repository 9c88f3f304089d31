/** The Slurm service's extension of the training-service listener (pending reasons). */
import type { TrainingServiceListener } from '../training-service';

/**
 * A listener that may also hear why a submitted job waits in Slurm's queue. Proposed addition to
 * `TrainingServiceListener` (optional, so other services need not call it).
 */
export interface SlurmTrainingServiceListener extends TrainingServiceListener {
  /**
   * Trial `trialId`'s job waits in Slurm: `reason` is "waiting: <Slurm's pending reason>", e.g.
   * "waiting: Resources" or "waiting: QOSMaxJobsPerUserLimit"; undefined once it runs. Called
   * only when the reason changes, after onStarted and before onExit.
   */
  onPending?(trialId: string, reason: string | undefined): void;
}

/** A listener that drops every event (before `setListener`). */
export const NOOP_LISTENER: SlurmTrainingServiceListener = {
  onStarted() {},
  onMessage() {},
  onMalformed() {},
  onExit() {},
  onCapacity() {},
};
