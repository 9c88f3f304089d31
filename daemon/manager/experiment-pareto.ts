import type { ExperimentRecord, TrialRecord } from '../store/types';
import type { CostModel } from '../../tuners/search-space';
import { candidateCost } from '../../tuners/space/cost';
import { metricDefault } from '../store/metric-value';
import { paretoFront } from './pareto-front';

/** One trial on the front, as GET /experiments/:id/pareto returns it. */
export interface ParetoTrial {
  trialId: string;
  sequence: number;
  status: TrialRecord['status'];
  x: number;
  y: number;
  parameters: TrialRecord['parameters'];
  finalMetric: NonNullable<TrialRecord['finalMetric']>;
}

/** The answer of GET /experiments/:id/pareto. */
export interface ParetoResult {
  x: string;
  y: string;
  xDirection: 'minimize';
  yDirection: 'maximize' | 'minimize';
  /** Trials with a final metric and both values (the points compared). */
  considered: number;
  /** Trials with a final metric that lack x or y (no such metric key and no cost model for it). */
  skipped: number;
  /** Non-dominated trials, sorted by x ascending. */
  front: ParetoTrial[];
}

/**
 * The value of objective `key` for a trial with a final metric: `default` is the final metric's
 * default number; another key is taken from a dict final metric; `flops` / `params` fall back to
 * the search space's cost model (`_cost` of ss_gen) when the trial did not report them. Undefined
 * when none applies or the value is not finite. Pure.
 */
export function objectiveValue(trial: TrialRecord, key: string, cost: CostModel | undefined): number | undefined {
  const fm = trial.finalMetric;
  if (fm === undefined) return undefined;
  let v: number | undefined;
  if (key === 'default') v = metricDefault(fm);
  else if (typeof fm !== 'number' && typeof fm[key] === 'number') v = fm[key];
  else if ((key === 'flops' || key === 'params') && cost !== undefined) v = candidateCost(trial.parameters, cost)[key];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/**
 * The Pareto front of an experiment's trials over (x, y): x minimized, y maximized unless the
 * tuner's optimize_mode is `minimize` (the same direction as bestMetric). Called by the pareto
 * route with every trial of the experiment; pure, O(n log n).
 */
export function experimentPareto(experiment: ExperimentRecord, trials: readonly TrialRecord[], x: string, y: string): ParetoResult {
  const yDirection = experiment.config.tuner.classArgs?.['optimize_mode'] === 'minimize' ? 'minimize' : 'maximize';
  const cost = experiment.config.searchSpaceCost;
  const points: Array<{ x: number; y: number; trial: TrialRecord }> = [];
  let skipped = 0;
  for (const t of trials) {
    if (t.finalMetric === undefined) continue;
    const vx = objectiveValue(t, x, cost);
    const vy = objectiveValue(t, y, cost);
    if (vx === undefined || vy === undefined) skipped += 1;
    else points.push({ x: vx, y: vy, trial: t });
  }
  const front = paretoFront(points, yDirection).map((i) => {
    const p = points[i] as (typeof points)[number];
    return { trialId: p.trial.id, sequence: p.trial.sequence, status: p.trial.status, x: p.x, y: p.y, parameters: p.trial.parameters, finalMetric: p.trial.finalMetric as NonNullable<TrialRecord['finalMetric']> };
  });
  return { x, y, xDirection: 'minimize', yDirection, considered: points.length, skipped, front };
}
