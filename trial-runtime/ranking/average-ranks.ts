/**
 * Ranks 1..n of `x` in ascending order, ties given the average of the ranks they span
 * (scipy.stats.rankdata 'average'). Pure; O(n log n). Assumes finite values.
 */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j] as number] === x[order[i] as number]) j++;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k] as number] = avg;
    i = j;
  }
  return ranks;
}
