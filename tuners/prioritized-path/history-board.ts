import type { CostModel, SearchSpace } from '../search-space';
import type { Candidate, CostLimits, OptimizeMode, TrialView } from '../tuner';
import { scoredTrials } from '../history-results';
import { canonicalKey } from '../space/canonical-key';
import { isInSpace } from '../space/contains';
import { candidateCost, noLimits, withinLimits } from '../space/cost';
import type { Cost } from '../space/cost';
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

/** What a trial's parameters contribute to the board, derived once: their key and the cost model's FLOPs. */
interface PathFacts {
  readonly key: string;
  /** FLOPs by the cost model; undefined without one (then the trial's reported `flops` is used). */
  readonly flops: number | undefined;
}

/**
 * Cream's prioritized board rebuilt from the trial history: every SUCCEEDED trial with a finite
 * final metric, inside the space and the cost limits, is offered to {@link admit} in sequence
 * order, so the same history always gives the same board (on resume too). The PrioritizedPath
 * tuner keeps one and calls {@link build} on each propose: the space check, cost and key of each
 * trial's parameters are derived once and kept by the parameters object (a trial's parameters
 * never change), so a propose costs O(n) cheap admission tests, not n space checks.
 *
 * Deviations from Cream, deliberate: the score is the trial's reported final metric (Cream: the
 * training-batch top-1 of the sampled path), trials are offered in creation order (Cream: in
 * training-step order; trial end order is not in the history), and a path already on the board
 * is not admitted a second time (Cream's board may hold one path twice, wasting a slot).
 */
export class HistoryBoard {
  /** Per parameters object; null when the path is outside the space or the cost limits. */
  private readonly facts = new WeakMap<Candidate, PathFacts | null>();
  private readonly checkCost: boolean;

  constructor(private readonly o: BoardOptions) {
    this.checkCost = o.cost !== undefined && !noLimits(o.limits);
  }

  /** The board of `history`, best first. Pure in effect (same history, same board); never throws. */
  build(history: readonly TrialView[]): BoardEntry[] {
    let board: readonly BoardEntry[] = [];
    const onBoard = new Set<string>();
    for (const { trial, fitness } of scoredTrials(history, this.o.optimizeMode)) {
      const facts = this.factsOf(trial.parameters);
      if (facts === null || onBoard.has(facts.key)) continue;
      const entry: BoardEntry = {
        trialId: trial.id,
        sequence: trial.sequence,
        parameters: trial.parameters,
        metric: trial.finalMetric as number,
        fitness,
        flops: facts.flops ?? reportedFlops(trial),
      };
      const next = admit(board, entry, this.o.rules);
      if (next === board) continue;
      board = next;
      onBoard.clear();
      for (const e of board) onBoard.add((this.factsOf(e.parameters) as PathFacts).key);
    }
    return [...board];
  }

  private factsOf(parameters: Candidate): PathFacts | null {
    let facts = this.facts.get(parameters);
    if (facts === undefined) {
      facts = null;
      if (isInSpace(parameters, this.o.space) === undefined) {
        const cost = this.o.cost === undefined ? undefined : candidateCost(parameters, this.o.cost);
        if (!this.checkCost || withinLimits(cost as Cost, this.o.limits)) facts = { key: canonicalKey(parameters), flops: cost?.flops };
      }
      this.facts.set(parameters, facts);
    }
    return facts;
  }
}

/** A finite reported `flops` metric of the trial, else null. */
function reportedFlops(trial: TrialView): number | null {
  const reported = trial.finalMetricDict?.flops;
  return typeof reported === 'number' && Number.isFinite(reported) ? reported : null;
}

/** The board of one history, for one-shot callers (the daemon's board endpoint). See {@link HistoryBoard}. */
export function buildBoard(history: readonly TrialView[], o: BoardOptions): BoardEntry[] {
  return new HistoryBoard(o).build(history);
}
