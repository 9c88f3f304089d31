/** Shape of the learning-rate curve after warmup. */
export type LrScheduleKind = 'linear' | 'cosine' | 'constant';

/** A learning-rate schedule over `totalSteps` optimizer steps. */
export interface LrScheduleOptions {
  kind: LrScheduleKind;
  /** Peak learning rate (SPOS: 0.5). */
  baseLr: number;
  /** Number of steps the schedule spans (SPOS: 150 000 iterations). */
  totalSteps: number;
  /** Steps of linear warmup from `baseLr / warmupSteps` up to `baseLr` (default 0). */
  warmupSteps?: number;
  /** Floor of cosine/linear decay (default 0). */
  minLr?: number;
}

/**
 * Learning rate at step `t` (0-based, the step about to run). Pure.
 * - linear (SPOS, per iteration): `lr·(1 − t/T)`, floored at `minLr`;
 * - cosine: `minLr + (lr − minLr)·(1 + cos(π·t/T))/2`;
 * - constant: `lr`.
 * During warmup (`t < W`) the rate is `lr·(t+1)/W`; decay then runs over the remaining `T − W`
 * steps. Steps past T keep the final value. Throws RangeError for non-positive totals or a
 * negative step.
 */
export function learningRateAt(options: LrScheduleOptions, t: number): number {
  const { kind, baseLr, totalSteps } = options;
  const warmup = options.warmupSteps ?? 0;
  const minLr = options.minLr ?? 0;
  if (!(totalSteps > 0)) throw new RangeError(`lr schedule: totalSteps must be > 0, got ${totalSteps}`);
  if (!(warmup >= 0 && warmup < totalSteps)) throw new RangeError(`lr schedule: warmupSteps must be in [0, ${totalSteps}), got ${warmup}`);
  if (!(t >= 0)) throw new RangeError(`lr schedule: step must be >= 0, got ${t}`);
  if (t < warmup) return (baseLr * (t + 1)) / warmup;
  const span = totalSteps - warmup;
  const frac = Math.min(1, (t - warmup) / span);
  switch (kind) {
    case 'constant':
      return baseLr;
    case 'linear':
      return Math.max(minLr, baseLr * (1 - frac));
    case 'cosine':
      return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * frac))) / 2;
  }
}
