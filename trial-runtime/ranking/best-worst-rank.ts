import { definedValue, type CriterionValue } from './criterion-value';
import { topKRows } from './rank-order';

/** Fractions k of BR@K / WR@K (ALGORITHMS.md §5). */
export const BEST_WORST_RATIOS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.2];

/** One row of BR@K / WR@K: `(k, BR, BR/N, WR, WR/N)`; lower is better for all four. */
export interface BestWorstRankRow {
  ratio: number;
  /** Number of predicted-top architectures considered, floor(N * ratio). */
  k: number;
  /** 1 + the best ground-truth rank (0 = best) among the predicted top K. */
  bestRank: CriterionValue;
  /** bestRank / N. */
  bestRankRatio: CriterionValue;
  /** 1 + the worst ground-truth rank among the predicted top K. */
  worstRank: CriterionValue;
  /** worstRank / N. */
  worstRankRatio: CriterionValue;
}

/**
 * BR@K and WR@K for each fraction (default {@link BEST_WORST_RATIOS}), exactly as §5: take the
 * predicted top floor(k N) architectures; BR = min rank_gt + 1, WR = max rank_gt + 1, both also
 * divided by N. Rows with K < 1, and every row when the scores are constant, are undefined with
 * the reason. Throws RangeError when the lengths differ. Pure.
 */
export function bestWorstRank(scores: ArrayLike<number>, truth: ArrayLike<number>, ratios: readonly number[] = BEST_WORST_RATIOS): BestWorstRankRow[] {
  return topKRows(
    'bestWorstRank',
    scores,
    truth,
    ratios,
    (ratio, k, { n, predicted, gtRank }) => {
      let best = n;
      let worst = -1;
      for (const i of predicted.subarray(0, k)) {
        const r = gtRank[i] as number;
        if (r < best) best = r;
        if (r > worst) worst = r;
      }
      return {
        ratio,
        k,
        bestRank: definedValue(best + 1),
        bestRankRatio: definedValue((best + 1) / n),
        worstRank: definedValue(worst + 1),
        worstRankRatio: definedValue((worst + 1) / n),
      };
    },
    (ratio, k, u) => ({ ratio, k, bestRank: u, bestRankRatio: u, worstRank: u, worstRankRatio: u }),
  );
}
