import type { MetricRecord } from '../api/types';
import { defaultMetric } from './metrics';

/**
 * Aligns the intermediate curves of several trials on a shared x axis (report number 1..n):
 * returns x and one y array per trial (null past its last report). Pure.
 */
export function alignCurves(curves: readonly MetricRecord[][]): { x: number[]; ys: (number | null)[][] } {
  const inter = curves.map((ms) => ms.filter((m) => m.kind === 'intermediate').map((m) => defaultMetric(m.value) ?? null));
  const n = Math.max(0, ...inter.map((c) => c.length));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return { x, ys: inter.map((c) => x.map((_, i) => c[i] ?? null)) };
}
