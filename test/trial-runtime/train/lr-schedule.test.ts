import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt } from '../../../trial-runtime/train/lr-schedule';

test('linear decay as SPOS: lr·(1 − t/T)', () => {
  const o = { kind: 'linear' as const, baseLr: 0.5, totalSteps: 100 };
  assert.equal(learningRateAt(o, 0), 0.5);
  assert.equal(learningRateAt(o, 50), 0.25);
  assert.ok(Math.abs(learningRateAt(o, 99) - 0.005) < 1e-12);
  assert.equal(learningRateAt(o, 150), 0);
});

test('cosine from lr to minLr', () => {
  const o = { kind: 'cosine' as const, baseLr: 1, totalSteps: 10, minLr: 0.1 };
  assert.equal(learningRateAt(o, 0), 1);
  assert.ok(Math.abs(learningRateAt(o, 5) - 0.55) < 1e-12);
  assert.ok(Math.abs(learningRateAt(o, 10) - 0.1) < 1e-12);
});

test('warmup ramps linearly, then decay spans the remaining steps', () => {
  const o = { kind: 'linear' as const, baseLr: 1, totalSteps: 14, warmupSteps: 4 };
  assert.deepEqual([0, 1, 2, 3].map((t) => learningRateAt(o, t)), [0.25, 0.5, 0.75, 1]);
  assert.equal(learningRateAt(o, 4), 1);
  assert.equal(learningRateAt(o, 9), 0.5);
  assert.equal(learningRateAt({ kind: 'constant', baseLr: 0.3, totalSteps: 5 }, 4), 0.3);
  assert.throws(() => learningRateAt({ kind: 'linear', baseLr: 1, totalSteps: 0 }, 0), RangeError);
  assert.throws(() => learningRateAt({ kind: 'linear', baseLr: 1, totalSteps: 4, warmupSteps: 4 }, 0), RangeError);
});
