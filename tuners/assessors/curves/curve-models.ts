import { fitLinear, minimize1d } from './linear-fit';

/** One fitted learning curve: its parameters, residual sum of squares and prediction function. */
export interface FittedCurve {
  readonly name: CurveName;
  /** Number of fitted parameters (for the information criterion). */
  readonly k: number;
  readonly sse: number;
  readonly params: Readonly<Record<string, number>>;
  predict(x: number): number;
}

export type CurveName = 'pow3' | 'exp3' | 'log_linear' | 'ilog2';

/** A parametric family of learning curves y(x), x = 1, 2, ... the step number. */
export interface CurveModel {
  readonly name: CurveName;
  readonly k: number;
  /** Least-squares fit to (xs, ys); undefined when the family cannot be fitted to these points. Pure. */
  fit(xs: readonly number[], ys: readonly number[]): FittedCurve | undefined;
}

/**
 * A family y = p + q·g(x; θ) with one nonlinear parameter θ in [lo, hi]: for fixed θ the best p, q
 * are a linear least-squares fit, so θ is found by a 1-D search of the residual (variable
 * projection). `toParams` names p, q, θ the way the family's formula does.
 */
function projected(
  name: CurveName, lo: number, hi: number, g: (x: number, theta: number) => number,
  toParams: (p: number, q: number, theta: number) => Record<string, number>,
): CurveModel {
  return {
    name,
    k: 3,
    fit(xs, ys) {
      const at = (theta: number) => fitLinear(xs.map((x) => g(x, theta)), ys);
      const { x: theta, value } = minimize1d((t) => at(t)?.sse ?? Infinity, lo, hi);
      const lin = Number.isFinite(value) ? at(theta) : undefined;
      if (lin === undefined) return undefined;
      return { name, k: 3, sse: lin.sse, params: toParams(lin.p, lin.q, theta), predict: (x) => lin.p + lin.q * g(x, theta) };
    },
  };
}

/** A family y = p + q·g(x), linear in its two parameters (closed-form fit). */
function linear(name: CurveName, g: (x: number) => number, toParams: (p: number, q: number) => Record<string, number>): CurveModel {
  return {
    name,
    k: 2,
    fit(xs, ys) {
      const lin = fitLinear(xs.map(g), ys);
      if (lin === undefined) return undefined;
      return { name, k: 2, sse: lin.sse, params: toParams(lin.p, lin.q), predict: (x) => lin.p + lin.q * g(x) };
    },
  };
}

/**
 * The learning-curve families of the curve-fitting assessor (a subset of Domhan et al. 2015, the
 * families NNI's Curvefitting ensembles), each saturating or slowly growing in the step x >= 1:
 * - pow3:       y = c − a·x^(−α),        α in [0.01, 4]
 * - exp3:       y = c − a·exp(−β·x),     β in [0.001, 3]
 * - log_linear: y = a·ln(x) + b
 * - ilog2:      y = c − a / ln(x + 1)
 * Returns a fresh array; pure.
 */
export function curveModels(): CurveModel[] {
  return [
    projected('pow3', 0.01, 4, (x, alpha) => x ** -alpha, (c, q, alpha) => ({ c, a: -q, alpha })),
    projected('exp3', 0.001, 3, (x, beta) => Math.exp(-beta * x), (c, q, beta) => ({ c, a: -q, beta })),
    linear('log_linear', (x) => Math.log(x), (b, a) => ({ a, b })),
    linear('ilog2', (x) => 1 / Math.log(x + 1), (c, q) => ({ c, a: -q })),
  ];
}
