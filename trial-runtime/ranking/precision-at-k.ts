import { definedValue, type CriterionValue } from './criterion-value';
import { kendallTauB } from './kendall-tau';
import { topKRows } from './rank-order';

/** K ratios of P@top-K / P@bottom-K (ALGORITHMS.md §5). */
export const PRECISION_RATIOS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0];

/** One row of P@K: `(r, K, P@top, P@bottom, KT_top, KT_bottom)`. */
export interface PrecisionAtKRow {
  ratio: number;
  /** K = floor(N * ratio); 0 when the ratio is too small for N (every value is then undefined). */
  k: number;
  /** Fraction of the predicted top K that are among the K best by ground truth. */
  top: CriterionValue;
  /** Fraction of the predicted bottom K that are among the K worst by ground truth. */
  bottom: CriterionValue;
  /** Kendall's tau-b of (score, ground truth) within the predicted top K. */
  kendallTop: CriterionValue;
  /** Kendall's tau-b within the predicted bottom K. */
  kendallBottom: CriterionValue;
}

/**
 * P@top-K and P@bottom-K for each ratio (default {@link PRECISION_RATIOS}), exactly as §5:
 * K = floor(N r); P@top = |{i in top-K by score : rank_gt(i) < K}| / K; P@bottom = |{i in
 * bottom-K by score : rank_gt(i) >= N - K}| / K; plus Kendall's tau-b restricted to the predicted
 * top-K and bottom-K. Higher scores and higher ground truth are better. Rows with K < 1, and every
 * value when the scores are constant (the predicted order would be arbitrary), are undefined with
 * the reason. Throws RangeError when the lengths differ. Pure.
 */
export function precisionAtK(scores: ArrayLike<number>, truth: ArrayLike<number>, ratios: readonly number[] = PRECISION_RATIOS): PrecisionAtKRow[] {
  const within = (idx: number[]): CriterionValue =>
    kendallTauB(
      idx.map((i) => scores[i] as number),
      idx.map((i) => truth[i] as number),
    );
  return topKRows(
    'precisionAtK',
    scores,
    truth,
    ratios,
    (ratio, k, { n, predicted, gtRank }) => {
      const top = Array.from(predicted.subarray(0, k));
      const bottom = Array.from(predicted.subarray(n - k));
      const hitsTop = top.filter((i) => (gtRank[i] as number) < k).length;
      const hitsBottom = bottom.filter((i) => (gtRank[i] as number) >= n - k).length;
      return { ratio, k, top: definedValue(hitsTop / k), bottom: definedValue(hitsBottom / k), kendallTop: within(top), kendallBottom: within(bottom) };
    },
    (ratio, k, u) => ({ ratio, k, top: u, bottom: u, kendallTop: u, kendallBottom: u }),
  );
}
