import { averageRanks } from './average-ranks';
import { isConstant, undefinedValue, type CriterionValue } from './criterion-value';
import { pearson } from './pearson';

/**
 * Spearman's rho: Pearson's r of the average (mid) ranks of both lists (scipy.stats.spearmanr).
 * Undefined (null) for fewer than 2 points or a constant list. Throws RangeError when the lengths
 * differ. Pure.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): CriterionValue {
  if (x.length !== y.length) throw new RangeError(`spearman: lists differ in length (${x.length} vs ${y.length})`);
  if (x.length < 2) return undefinedValue(`needs at least 2 points, got ${x.length}`);
  if (isConstant(x)) return undefinedValue('the scores are constant');
  if (isConstant(y)) return undefinedValue('the ground truth is constant');
  return pearson(averageRanks(x), averageRanks(y));
}
