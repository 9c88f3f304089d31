/**
 * Summary statistics and significance tests for the tuner benchmark. Pure functions.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Standard deviation with divisor n (numpy's default `np.std`, which NB201's tables use). */
export function stdPopulation(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

/**
 * Complementary error function, Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7
 * everywhere, so small p-values keep their relative precision).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Result of {@link mannWhitneyGreater}. */
export interface MannWhitneyResult {
  /** U statistic of the first sample (pairs (a, b) with a > b, ties counting 1/2). */
  u: number;
  /** Normal-approximation z with tie correction and continuity correction. */
  z: number;
  /** One-sided p-value of H1: values of `a` tend to be larger than values of `b`. */
  p: number;
}

/**
 * One-sided Mann-Whitney U test (a stochastically greater than b), normal approximation with
 * the tie-corrected variance and a 0.5 continuity correction; adequate for n >= 20 per sample.
 * Throws RangeError when a sample is empty.
 */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs two non-empty samples');
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if ((all[k] as { g: number }).g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, p: 1 };
  const z = (u - mu - 0.5) / Math.sqrt(variance);
  return { u, z, p: normalUpperTail(z) };
}
