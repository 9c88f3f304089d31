import { definedValue, undefinedValue, type CriterionValue } from './criterion-value';

/** Sum of m(m-1)/2 over runs of equal consecutive values of `keyEq` in `order`. */
function tiedPairs(order: Int32Array, same: (a: number, b: number) => boolean): number {
  let pairs = 0;
  let run = 1;
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && same(order[i - 1] as number, order[i] as number)) {
      run++;
    } else {
      pairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return pairs;
}

/**
 * Sorts `idx` by `y` ascending (merge sort, stable) and returns the number of strict inversions
 * (pairs i < j with y[idx[i]] > y[idx[j]]) of the input order.
 */
function sortCountingInversions(idx: Int32Array, y: ArrayLike<number>): number {
  const n = idx.length;
  let src: Int32Array = idx;
  let dst: Int32Array = new Int32Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if ((y[src[j] as number] as number) < (y[src[i] as number] as number)) {
          swaps += mid - i;
          dst[k++] = src[j++] as number;
        } else {
          dst[k++] = src[i++] as number;
        }
      }
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    [src, dst] = [dst, src];
  }
  if (src !== idx) idx.set(src);
  return swaps;
}

/**
 * Kendall's tau-b of two equally long lists (scipy.stats.kendalltau's default), which corrects for
 * ties in both lists: (concordant - discordant) / sqrt((n0 - n1)(n0 - n2)) with n0 = n(n-1)/2 and
 * n1, n2 the pairs tied in x and in y. Knight's O(n log n) algorithm. Undefined (null) for fewer
 * than 2 points or when either list is constant. Throws RangeError when the lengths differ. Pure.
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): CriterionValue {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`kendallTauB: lists differ in length (${n} vs ${y.length})`);
  if (n < 2) return undefinedValue(`needs at least 2 points, got ${n}`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (x[a] as number) - (x[b] as number) || (y[a] as number) - (y[b] as number));
  const xTies = tiedPairs(order, (a, b) => x[a] === x[b]);
  const xyTies = tiedPairs(order, (a, b) => x[a] === x[b] && y[a] === y[b]);
  const discordant = sortCountingInversions(order, y);
  const yTies = tiedPairs(order, (a, b) => y[a] === y[b]);
  const total = (n * (n - 1)) / 2;
  if (xTies === total) return undefinedValue('the scores are constant');
  if (yTies === total) return undefinedValue('the ground truth is constant');
  const concordantMinusDiscordant = total - xTies - yTies + xyTies - 2 * discordant;
  const tau = concordantMinusDiscordant / Math.sqrt(total - xTies) / Math.sqrt(total - yTies);
  return definedValue(Math.max(-1, Math.min(1, tau)));
}
