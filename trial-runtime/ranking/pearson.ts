import { definedValue, isConstant, undefinedValue, type CriterionValue } from './criterion-value';

/**
 * Pearson's linear correlation r of two equally long lists (numpy's `corrcoef`, computed in
 * float64 on mean-centred values). Undefined (null) for fewer than 2 points or when either list
 * is constant. Throws RangeError when the lengths differ. Pure.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): CriterionValue {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`pearson: lists differ in length (${n} vs ${y.length})`);
  if (n < 2) return undefinedValue(`needs at least 2 points, got ${n}`);
  if (isConstant(x)) return undefinedValue('the scores are constant');
  if (isConstant(y)) return undefinedValue('the ground truth is constant');
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return undefinedValue('a list has zero variance after centring');
  const r = sxy / Math.sqrt(sxx * syy);
  return definedValue(Math.max(-1, Math.min(1, r)));
}
