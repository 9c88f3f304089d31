import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitneyGreater, mean, normalUpperTail, stdPopulation } from '../../bench/tuners/stats';

// Statistics of bench/tuners (kept beside the tuner tests: the benchmark exists to judge tuners).
describe('tuner benchmark statistics', () => {
  it('mean and n-divisor std', () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    assert.ok(Math.abs(stdPopulation([2, 4, 4, 4, 5, 5, 7, 9]) - 2) < 1e-12);
  });

  it('normal tail matches tabulated values', () => {
    assert.ok(Math.abs(normalUpperTail(1.959964) - 0.025) < 1e-6);
    assert.ok(Math.abs(normalUpperTail(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalUpperTail(-1) - 0.8413447) < 1e-6);
    // relative precision in the far tail: P(Z > 5) = 2.8665e-7
    assert.ok(Math.abs(normalUpperTail(5) / 2.8665157e-7 - 1) < 1e-5);
  });

  it('one-sided Mann-Whitney U, hand-computed without ties', () => {
    // a all above b: U = 9, mean 4.5, var 9/12 * 7 = 5.25, z = (9 - 4.5 - 0.5) / sqrt(5.25) = 1.74574
    const r = mannWhitneyGreater([4, 5, 6], [1, 2, 3]);
    assert.equal(r.u, 9);
    assert.ok(Math.abs(r.z - 1.745743) < 1e-5);
    assert.ok(Math.abs(r.p - 0.040428) < 1e-5);
    assert.equal(mannWhitneyGreater([1, 2, 3], [4, 5, 6]).u, 0);
  });

  it('one-sided Mann-Whitney U, hand-computed with ties', () => {
    // ranks 1 | 3 3 3 | 5.5 5.5: U_a = 7 - 6 = 1; tie term 24 + 6 = 30; var = 9/12 * (7 - 30/30) = 4.5
    const r = mannWhitneyGreater([1, 2, 2], [2, 3, 3]);
    assert.equal(r.u, 1);
    assert.ok(Math.abs(r.z - (1 - 4.5 - 0.5) / Math.sqrt(4.5)) < 1e-12);
    assert.ok(Math.abs(r.p - 0.970327) < 1e-5);
    assert.deepEqual(mannWhitneyGreater([1, 1], [1, 1]), { u: 2, z: 0, p: 1 });
    assert.throws(() => mannWhitneyGreater([], [1]), RangeError);
  });
});
