/**
 * Ranking of k-subsets of {0..n-1} in lexicographic order: the index of an input_choice value in
 * the grid and in the evolution encoding. Pure arithmetic; exact while C(n,k) <= 2^53.
 */

/** Binomial coefficient C(n, k); 0 when k < 0 or k > n. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return Math.round(r);
}

/**
 * Returns the `rank`-th k-subset of {0..n-1} (ascending indices, lexicographic order).
 * Assumes 0 <= rank < C(n,k); throws RangeError otherwise.
 */
export function unrankCombination(n: number, k: number, rank: number): number[] {
  if (!Number.isInteger(rank) || rank < 0 || rank >= binomial(n, k)) {
    throw new RangeError(`combination rank ${rank} out of range for C(${n},${k})`);
  }
  const out: number[] = [];
  let r = rank;
  let next = 0;
  for (let slot = 0; slot < k; slot++) {
    for (let v = next; v < n; v++) {
      const withV = binomial(n - v - 1, k - slot - 1);
      if (r < withV) {
        out.push(v);
        next = v + 1;
        break;
      }
      r -= withV;
    }
  }
  return out;
}

/** Inverse of {@link unrankCombination}: rank of a k-subset given as indices (any order). */
export function rankCombination(n: number, indices: readonly number[]): number {
  const sorted = [...indices].sort((a, b) => a - b);
  const k = sorted.length;
  let rank = 0;
  let next = 0;
  for (let slot = 0; slot < k; slot++) {
    const v = sorted[slot] as number;
    for (let u = next; u < v; u++) rank += binomial(n - u - 1, k - slot - 1);
    next = v + 1;
  }
  return rank;
}
