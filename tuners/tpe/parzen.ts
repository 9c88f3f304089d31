import type { Rng } from '../rng';

/**
 * One-dimensional Parzen estimator of TPE (hyperopt's adaptive Parzen normal): a mixture of
 * Gaussians, one at the prior mean with the prior width and one at each observation, each
 * observation's width being the larger gap to its sorted neighbours, clipped to
 * [priorSigma / min(100, n + 1), priorSigma]. Truncated to [low, high] (infinite for normal types).
 * Pure apart from the Rng.
 */
export interface Parzen {
  readonly mus: readonly number[];
  readonly sigmas: readonly number[];
  readonly low: number;
  readonly high: number;
}

/** Builds the estimator from observations (in the search's transformed space). Never throws. */
export function fitParzen(obs: readonly number[], priorMu: number, priorSigma: number, low: number, high: number): Parzen {
  const pts = [...obs, priorMu].sort((a, b) => a - b);
  const priorAt = pts.indexOf(priorMu);
  const minSigma = priorSigma / Math.min(100, obs.length + 1);
  const sigmas = pts.map((x, i) => {
    if (i === priorAt) return priorSigma;
    const left = i > 0 ? x - (pts[i - 1] as number) : 0;
    const right = i < pts.length - 1 ? (pts[i + 1] as number) - x : 0;
    return Math.min(priorSigma, Math.max(minSigma, left, right));
  });
  return { mus: pts, sigmas, low, high };
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function cdf(x: number, mu: number, sigma: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * (1 + erf((x - mu) / (sigma * Math.SQRT2)));
}

/** Draws from the truncated mixture (a component uniformly, then its normal, redrawn until inside the bounds). */
export function sampleParzen(p: Parzen, rng: Rng): number {
  for (let t = 0; t < 100; t++) {
    const k = rng.int(p.mus.length);
    const x = (p.mus[k] as number) + (p.sigmas[k] as number) * rng.normal();
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, p.mus[0] as number));
}

/** Log density of the truncated mixture at x. */
export function logPdfParzen(p: Parzen, x: number): number {
  let sum = 0;
  for (let k = 0; k < p.mus.length; k++) {
    const mu = p.mus[k] as number;
    const s = p.sigmas[k] as number;
    const mass = Math.max(1e-12, cdf(p.high, mu, s) - cdf(p.low, mu, s));
    const z = (x - mu) / s;
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * mass);
  }
  return Math.log(sum / p.mus.length + 1e-300);
}
