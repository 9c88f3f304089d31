import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { predictFinal } from '../../../../tuners/assessors/curves/predict-final';
import { curveModels } from '../../../../tuners/assessors/curves/curve-models';
import { fitLinear, minimize1d } from '../../../../tuners/assessors/curves/linear-fit';

const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('learning-curve fitting', () => {
  it('fitLinear recovers a line and refuses a constant regressor', () => {
    const fit = fitLinear([1, 2, 3, 4], [3, 5, 7, 9])!;
    assert.ok(Math.abs(fit.p - 1) < 1e-12 && Math.abs(fit.q - 2) < 1e-12 && fit.sse < 1e-20);
    assert.equal(fitLinear([2, 2, 2], [1, 2, 3]), undefined);
  });

  it('minimize1d finds the minimum of a smooth function on a log scale', () => {
    const { x } = minimize1d((t) => (Math.log(t) - Math.log(0.37)) ** 2, 0.01, 10);
    assert.ok(Math.abs(x - 0.37) < 1e-4, String(x));
  });

  const exact: Array<[string, (x: number) => number, Record<string, number>]> = [
    ['pow3', (x) => 0.9 - 0.5 * x ** -0.7, { c: 0.9, a: 0.5, alpha: 0.7 }],
    ['exp3', (x) => 0.8 - 0.6 * Math.exp(-0.3 * x), { c: 0.8, a: 0.6, beta: 0.3 }],
    ['log_linear', (x) => 0.1 * Math.log(x) + 0.2, { a: 0.1, b: 0.2 }],
    ['ilog2', (x) => 0.95 - 0.4 / Math.log(x + 1), { c: 0.95, a: 0.4 }],
  ];
  for (const [name, f, params] of exact) {
    it(`recovers the parameters of an exact ${name} curve and extrapolates it`, () => {
      const ys = steps(10).map(f);
      const model = curveModels().find((m) => m.name === name)!;
      const fit = model.fit(steps(10), ys)!;
      for (const [k, v] of Object.entries(params)) assert.ok(Math.abs((fit.params[k] as number) - v) < 1e-4, `${name}.${k} = ${fit.params[k]}, want ${v}`);
      const pred = predictFinal(ys, 50)!;
      assert.ok(Math.abs(pred.value - f(50)) < 2e-3, `${name}: predicted ${pred.value}, true ${f(50)}`);
      const top = [...pred.curves].sort((a, b) => b.weight - a.weight)[0]!;
      assert.equal(top.curve.name, name);
      assert.ok(Math.abs(pred.curves.reduce((a, c) => a + c.weight, 0) - 1) < 1e-12);
    });
  }

  it('is deterministic and needs at least four points', () => {
    const ys = [0.3, 0.45, 0.52, 0.58, 0.6, 0.63, 0.64];
    assert.deepEqual(predictFinal(ys, 30)?.value, predictFinal(ys, 30)?.value);
    assert.equal(predictFinal([0.1, 0.2, 0.3], 30), undefined);
    assert.deepEqual(predictFinal([0.1, 0.2, 0.3, 0.35], 30)!.curves.map((c) => c.curve.k), [2, 2]);
  });
});
