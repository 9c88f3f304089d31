import { isConstant, undefinedValue, type CriterionValue } from './criterion-value';

/**
 * Indices of `x` from best (largest) to worst, the rank convention of ALGORITHMS.md §5 (aw_nas
 * reverses `argsort`). aw_nas leaves the order of ties arbitrary (numpy's unstable sort); here it
 * is deterministic: tied values keep their input order. Pure.
 */
export function bestFirstOrder(x: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: x.length }, (_, i) => i);
  return order.sort((a, b) => (x[b] as number) - (x[a] as number) || a - b);
}

/**
 * `rank[i]` in 0..n-1, 0 = the best (largest) value of `x`; ties ordered as {@link bestFirstOrder}.
 * Pure.
 */
export function bestFirstRanks(x: ArrayLike<number>): Int32Array {
  const order = bestFirstOrder(x);
  const rank = new Int32Array(x.length);
  order.forEach((item, r) => {
    rank[item] = r;
  });
  return rank;
}

/** What a defined top-K row is computed from: the predicted order of the scores and the ground-truth ranks. */
export interface TopKInput {
  n: number;
  /** Indices from the best to the worst score ({@link bestFirstOrder}). */
  predicted: Int32Array;
  /** Ground-truth rank of each index, 0 = best ({@link bestFirstRanks}). */
  gtRank: Int32Array;
}

/**
 * The rows of a top-K criterion (P@K, BR/WR@K): for each ratio r, K = floor(N r) and
 * `defined(ratio, k, input)`; rows with K < 1, and every row when the scores are constant (the
 * predicted order would be arbitrary), are `undefinedRow(ratio, k, value)` with the reason. Throws
 * RangeError naming `criterion` when the lengths differ. Pure.
 */
export function topKRows<R>(
  criterion: string,
  scores: ArrayLike<number>,
  truth: ArrayLike<number>,
  ratios: readonly number[],
  defined: (ratio: number, k: number, input: TopKInput) => R,
  undefinedRow: (ratio: number, k: number, value: CriterionValue) => R,
): R[] {
  const n = scores.length;
  if (truth.length !== n) throw new RangeError(`${criterion}: lists differ in length (${n} vs ${truth.length})`);
  const input: TopKInput = { n, predicted: bestFirstOrder(scores), gtRank: bestFirstRanks(truth) };
  const constant = n > 1 && isConstant(scores);
  return ratios.map((ratio) => {
    const k = Math.floor(n * ratio);
    if (k >= 1 && !constant) return defined(ratio, k, input);
    return undefinedRow(ratio, k, undefinedValue(constant ? 'the scores are constant: the predicted order is arbitrary' : `K = floor(${n} x ${ratio}) < 1`));
  });
}
