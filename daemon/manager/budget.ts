import type { ExperimentConfig } from '../config/experiment-config';
import { parseDuration } from '../config/duration';

/** Budget state at one moment. Pure function of config, counts and elapsed time. */
export interface BudgetState {
  /** How many more trials the tuner may create (Infinity when unlimited). */
  trialsLeft: number;
  /** Milliseconds of running time left (Infinity when unlimited). */
  msLeft: number;
  exhausted: boolean;
  /** Why the budget is exhausted, for the experiment's status text. */
  reason?: string;
}

/** Trials that count against maxTrialNumber: first attempts proposed by the tuner or added by the user. */
export function budgetState(config: ExperimentConfig, countedTrials: number, activeMs: number): BudgetState {
  const trialsLeft = config.maxTrialNumber === undefined ? Infinity : Math.max(0, config.maxTrialNumber - countedTrials);
  const msLeft = config.maxExperimentDuration === undefined ? Infinity : Math.max(0, parseDuration(config.maxExperimentDuration) - activeMs);
  if (trialsLeft === 0) return { trialsLeft, msLeft, exhausted: true, reason: `maxTrialNumber (${config.maxTrialNumber}) reached` };
  if (msLeft === 0) return { trialsLeft, msLeft, exhausted: true, reason: `maxExperimentDuration (${config.maxExperimentDuration}) reached` };
  return { trialsLeft, msLeft, exhausted: false };
}
