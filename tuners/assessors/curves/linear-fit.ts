/** Least-squares fit of y = p + q·z: the intercept, slope and sum of squared residuals. */
export interface LinearFit {
  p: number;
  q: number;
  sse: number;
}

/**
 * Ordinary least squares of y on one regressor z (closed form). Pure; called by the curve models
 * for every trial value of their nonlinear parameter. Returns undefined when z has (numerically)
 * no spread, so the slope is not identifiable, or when the inputs are not finite. Assumes
 * `z.length === y.length >= 2`.
 */
export function fitLinear(z: readonly number[], y: readonly number[]): LinearFit | undefined {
  const n = y.length;
  let mz = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mz += z[i] as number;
    my += y[i] as number;
  }
  mz /= n;
  my /= n;
  let szz = 0;
  let szy = 0;
  for (let i = 0; i < n; i++) {
    const dz = (z[i] as number) - mz;
    szz += dz * dz;
    szy += dz * ((y[i] as number) - my);
  }
  const scale = Math.max(1, Math.abs(mz)) ** 2;
  if (!Number.isFinite(szz) || !Number.isFinite(szy) || szz <= 1e-14 * scale * n) return undefined;
  const q = szy / szz;
  const p = my - q * mz;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = (y[i] as number) - (p + q * (z[i] as number));
    sse += r * r;
  }
  return Number.isFinite(sse) ? { p, q, sse } : undefined;
}

/**
 * Minimises `f` over [lo, hi] (lo > 0) deterministically: a log-spaced grid of `gridPoints`
 * values, then golden-section refinement between the neighbours of the best grid point. Pure;
 * `f` may return Infinity where it is undefined. Returns the best argument and value found
 * (value Infinity when f is undefined everywhere on the grid).
 */
export function minimize1d(f: (x: number) => number, lo: number, hi: number, gridPoints = 32, iterations = 40): { x: number; value: number } {
  const ratio = Math.log(hi / lo) / (gridPoints - 1);
  const grid: number[] = [];
  for (let i = 0; i < gridPoints; i++) grid.push(lo * Math.exp(ratio * i));
  let bestI = 0;
  let bestV = Infinity;
  grid.forEach((x, i) => {
    const v = f(x);
    if (v < bestV) {
      bestV = v;
      bestI = i;
    }
  });
  if (!Number.isFinite(bestV)) return { x: grid[bestI] as number, value: bestV };
  let a = grid[Math.max(0, bestI - 1)] as number;
  let b = grid[Math.min(gridPoints - 1, bestI + 1)] as number;
  let best = { x: grid[bestI] as number, value: bestV };
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < iterations; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  for (const [x, value] of [[c, fc], [d, fd]] as const) if (value < best.value) best = { x, value };
  return best;
}
