/**
 * A number as an assessor's stop reason shows it: integers as they are, anything else to 4
 * significant digits. Used by the Medianstop and Curvefitting reasons. Pure.
 */
export function reasonNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
