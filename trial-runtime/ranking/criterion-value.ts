/**
 * The value of one ranking criterion: a number, or `null` with the reason it is undefined on the
 * given input (fewer than two points, constant scores, ...). A criterion that cannot be computed
 * is never reported as 0. JSON-serialisable as is.
 */
export type CriterionValue = { value: number; reason?: undefined } | { value: null; reason: string };

/** A defined criterion value. Called by the criteria; assumes `value` is finite. */
export function definedValue(value: number): CriterionValue {
  return { value };
}

/** An undefined criterion value with its reason (what about the input made it undefined). */
export function undefinedValue(reason: string): CriterionValue {
  return { value: null, reason };
}

/** Whether every value of `xs` equals the first (true for fewer than two values). Pure. */
export function isConstant(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}
