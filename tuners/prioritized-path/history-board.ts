import type { CostModel, SearchSpace } from '../search-space';
import type { CostLimits, OptimizeMode, TrialView } from '../tuner';
import { scoredTrials } from '../history-results';
import { canonicalKey } from '../space/canonical-key';
import { isInSpace } from '../space/contains';
import { candidateCost, noLimits, withinLimits } from '../space/cost';
import { admit } from './board';
import type { BoardEntry, BoardRules } from './board';

/** What the board is built from, besides the history. */
export interface BoardOptions {
  readonly rules: BoardRules;
  readonly optimizeMode: OptimizeMode;
  /** The FLOPs window [flopsMin, flopsMax] (and paramsMax): paths outside never enter. */
  readonly limits: CostLimits;
  /** The space's cost model (`_cost`); without it FLOPs come from a reported `flops` metric. */
  readonly cost: CostModel | undefined;
  readonly space: SearchSpace;
}

/** FLOPs of a trial's path: the cost model's, else a finite reported `flops` metric, else null. */
function flopsOf(trial: TrialView, cost: CostModel | undefined): number | null {
  if (cost) return candidateCost(trial.parameters, cost).flops;
  const reported = trial.finalMetricDict?.flops;
  return typeof reported === 'number' && Number.isFinite(reported) ? reported : null;
}

/**
 * Cream's prioritized board rebuilt from the trial history: every SUCCEEDED trial with a finite
 * final metric, inside the space and the cost limits, is offered to {@link admit} in sequence
 * order, so the same history always gives the same board (on resume too). Called by the
 * PrioritizedPath tuner on each propose and by the daemon to show the board; pure, never throws.
 *
 * Deviations from Cream, deliberate: the score is the trial's reported final metric (Cream: the
 * training-batch top-1 of the sampled path), trials are offered in creation order (Cream: in
 * training-step order; trial end order is not in the history), and a path already on the board
 * is not admitted a second time (Cream's board may hold one path twice, wasting a slot).
 */
export function buildBoard(history: readonly TrialView[], o: BoardOptions): BoardEntry[] {
  const checkCost = o.cost !== undefined && !noLimits(o.limits);
  let board: readonly BoardEntry[] = [];
  const onBoard = new Set<string>();
  for (const { trial, fitness } of scoredTrials(history, o.optimizeMode)) {
    if (isInSpace(trial.parameters, o.space) !== undefined) continue;
    if (checkCost && !withinLimits(candidateCost(trial.parameters, o.cost as CostModel), o.limits)) continue;
    const key = canonicalKey(trial.parameters);
    if (onBoard.has(key)) continue;
    const entry: BoardEntry = {
      trialId: trial.id,
      sequence: trial.sequence,
      parameters: trial.parameters,
      metric: trial.finalMetric as number,
      fitness,
      flops: flopsOf(trial, o.cost),
    };
    const next = admit(board, entry, o.rules);
    if (next === board) continue;
    board = next;
    onBoard.clear();
    for (const e of board) onBoard.add(canonicalKey(e.parameters));
  }
  return [...board];
}
