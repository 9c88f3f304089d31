/** Small pieces every training service (local, Slurm) shares. */
import type { ParametersMessage } from '../../trial-runtime/protocol/messages';
import type { TrainingServiceListener, TrialJob } from './training-service';

/** A listener that drops every event (what a service holds before `setListener`). */
export const NOOP_LISTENER: TrainingServiceListener = {
  onStarted() {},
  onMessage() {},
  onMalformed() {},
  onExit() {},
  onCapacity() {},
};

/** The `parameters` message that hands `job` to a trial process or reuse worker. */
export function parametersMessage(job: TrialJob): ParametersMessage {
  return { type: 'parameters', trialId: job.trialId, sequence: job.sequence, parameters: job.parameters, trialDir: job.trialDir };
}
