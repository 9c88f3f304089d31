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
