import type { ExperimentConfig, LiveDelta } from '../api/types';
import { isFinished } from '../../../daemon/store/types';

/** True when the experiment's tuner keeps a prioritized board (PrioritizedPath, any case, as the daemon checks). Pure. */
export function keepsTunerBoard(config: ExperimentConfig | undefined): boolean {
  return config?.tuner.name.toLowerCase() === 'prioritizedpath';
}

/**
 * True when a batch of live deltas can change the tuner's board: a trial reached a final state
 * or a final metric arrived (the board is built from finished trials' final metrics only), or
 * `null` (a reset: reload everything). Intermediate metrics and starts never change it. Pure.
 */
export function boardMayChange(deltas: readonly LiveDelta[] | null): boolean {
  if (deltas === null) return true;
  return deltas.some((d) => (d.type === 'trial' && isFinished(d.trial.status)) || (d.type === 'metric' && d.metric.kind === 'final'));
}
