import { curveModels, type CurveModel, type FittedCurve } from './curve-models';

/** The ensemble's prediction of a learning curve at a later step, with its parts. */
export interface CurvePrediction {
  /** Akaike-weighted mean of the curves' predictions at the target step. */
  readonly value: number;
  /** Each usable fitted curve with its weight (weights sum to 1). */
  readonly curves: ReadonlyArray<{ readonly curve: FittedCurve; readonly weight: number; readonly prediction: number }>;
}

/**
 * Fits every curve family to `ys` (ys[i] observed at step x = i + 1) by least squares and
 * predicts the value at step `target`. The families are combined with Akaike weights from the
 * small-sample criterion AICc = n·ln(SSE/n) + 2k + 2k(k+1)/(n−k−1), which needs n >= k + 2
 * points, so a family with more parameters than the data can support is left out. SSE/n is
 * floored at 1e-12·(1 + variance of ys) so a perfect fit does not take log(0). Pure and
 * deterministic. Returns undefined when no family can be fitted or no prediction is finite.
 */
export function predictFinal(ys: readonly number[], target: number, models: readonly CurveModel[] = curveModels()): CurvePrediction | undefined {
  const n = ys.length;
  const xs = ys.map((_, i) => i + 1);
  const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = ys.reduce((a, y) => a + (y - mean) ** 2, 0) / Math.max(1, n);
  const floor = 1e-12 * (1 + variance);
  const fits: Array<{ curve: FittedCurve; aicc: number; prediction: number }> = [];
  for (const model of models) {
    if (n < model.k + 2) continue;
    const curve = model.fit(xs, ys);
    if (curve === undefined) continue;
    const prediction = curve.predict(target);
    if (!Number.isFinite(prediction)) continue;
    const k = curve.k;
    const aicc = n * Math.log(Math.max(curve.sse / n, floor)) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
    fits.push({ curve, aicc, prediction });
  }
  if (fits.length === 0) return undefined;
  const minAicc = Math.min(...fits.map((f) => f.aicc));
  const raw = fits.map((f) => Math.exp(-(f.aicc - minAicc) / 2));
  const total = raw.reduce((a, b) => a + b, 0);
  const curves = fits.map((f, i) => ({ curve: f.curve, weight: (raw[i] as number) / total, prediction: f.prediction }));
  const value = curves.reduce((a, c) => a + c.weight * c.prediction, 0);
  return Number.isFinite(value) ? { value, curves } : undefined;
}
