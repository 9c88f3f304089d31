import type { ExperimentConfig, LiveDelta } from '../api/types';
import { isFinished } from '../../../daemon/store/types';

/** True when the experiment's tuner keeps a prioritized board (PrioritizedPath, any case, as the daemon checks). Pure. */
export function keepsTunerBoard(config: ExperimentConfig | undefined): boolean {
  return config?.tuner.name.toLowerCase() === 'prioritizedpath';
}

/**
 * True when a batch of live deltas can change the tuner's board: a trial reached a final state
 * or a final metric arrived (the board is built from finished trials' final metrics only).
 * Intermediate metrics and starts never change it; a reset reloads anyway (useTrialRefresh). Pure.
 */
export function boardMayChange(deltas: readonly LiveDelta[]): boolean {
  return deltas.some((d) => (d.type === 'trial' && isFinished(d.trial.status)) || (d.type === 'metric' && d.metric.kind === 'final'));
}
