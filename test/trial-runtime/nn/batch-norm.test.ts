import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from './tf-cpu';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { recalibrateBatchNorm } from '../../../trial-runtime/nn/bn-recalibration';
import { randomizeEvalStats } from './bn-fixtures';

before(useCpuBackend);

function stats(bn: BatchNorm): { mean: number[]; variance: number[] } {
  const s = bn.runningStats();
  const out = { mean: Array.from(s.mean.dataSync()), variance: Array.from(s.variance.dataSync()) };
  s.mean.dispose();
  s.variance.dispose();
  return out;
}

test('training mode normalises with batch stats and blends running stats by momentum (unbiased var)', () => {
  const bn = new BatchNorm('bn', { channels: 2, momentum: 0.1 });
  bn.build('t-bn1');
  const x = tf.tensor4d([1, 10, 3, 20, 5, 30, 7, 40], [2, 2, 1, 2]);
  const y = tf.tidy(() => bn.apply(x, true));
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  assert.ok(Math.abs(mean.dataSync()[0] as number) < 1e-5);
  assert.ok(Math.abs((variance.dataSync()[1] as number) - 1) < 1e-3);
  const s = stats(bn);
  // channel 0: values 1,3,5,7 -> mean 4, unbiased var 20/3.
  assert.ok(Math.abs((s.mean[0] as number) - 0.4) < 1e-5);
  assert.ok(Math.abs((s.variance[0] as number) - (0.9 + 0.1 * (20 / 3))) < 1e-4);
  const evalOut = tf.tidy(() => bn.apply(x, false));
  const expected = tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(s.mean)), tf.sqrt(tf.add(tf.tensor1d(s.variance), 1e-5))));
  assert.ok(maxAbsDiff(evalOut, expected) < 1e-5);
  bn.resetRunningStats();
  assert.deepEqual(stats(bn), { mean: [0, 0], variance: [1, 1] });
  bn.dispose();
});

test('a channel prefix updates only the leading running stats', () => {
  const bn = new BatchNorm('bn', { channels: 3, affine: false });
  bn.build('t-bn2');
  tf.tidy(() => bn.apply(tf.fill([1, 2, 2, 2], 5) as tf.Tensor4D, true, 2));
  const s = stats(bn);
  assert.ok(Math.abs((s.mean[0] as number) - 0.5) < 1e-6);
  assert.equal(s.mean[2], 0);
  assert.equal(s.variance[2], 1);
  assert.equal(bn.trainableVariables().length, 0);
  bn.dispose();
});

test('applyEvalRange normalises a channel range as the eval BN of the whole tensor does; a range that does not fit throws', () => {
  const bn = new BatchNorm('bn', { channels: 5 });
  bn.build('t-bn-range');
  randomizeEvalStats(bn, 21);
  const x = tf.randomNormal([2, 3, 3, 5], 0, 1, 'float32', 25) as tf.Tensor4D;
  tf.tidy(() => {
    const whole = bn.apply(x, false);
    const part = bn.applyEvalRange(tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 3]), 2);
    assert.ok(maxAbsDiff(part, tf.slice(whole, [0, 0, 0, 2], [-1, -1, -1, 3])) < 1e-5);
    assert.ok(maxAbsDiff(bn.applyEvalRange(x, 0), whole) < 1e-6);
  });
  assert.throws(() => tf.tidy(() => bn.applyEvalRange(tf.zeros([1, 1, 1, 3]) as tf.Tensor4D, 3)), RangeError);
  x.dispose();
  bn.dispose();
});

test('recalibration gives the exact mean and unbiased variance over all batches', () => {
  const bn = new BatchNorm('bn', { channels: 3, affine: true });
  const unused = new BatchNorm('unused', { channels: 3 });
  bn.build('t-bn3');
  unused.build('t-bn3');
  const batches = [0, 1, 2].map((i) => tf.randomNormal([4, 3, 3, 3], i, 1 + i, 'float32', 10 + i) as tf.Tensor4D);
  // Pre-existing stats must not leak into the result.
  tf.tidy(() => bn.apply(tf.fill([2, 2, 2, 3], 100) as tf.Tensor4D, true));
  for (const m of [bn, unused]) m.beginRecalibration();
  for (const x of batches) tf.tidy(() => void bn.apply(x, true));
  const n = bn.endRecalibration();
  assert.equal(unused.endRecalibration(), 0);
  assert.equal(n, 3 * 4 * 9);
  const all = tf.concat(batches, 0);
  const { mean, variance } = tf.moments(all, [0, 1, 2]);
  const s = stats(bn);
  assert.ok(maxAbsDiff(tf.tensor1d(s.mean), mean) < 1e-4);
  assert.ok(maxAbsDiff(tf.tensor1d(s.variance), tf.mul(variance, n / (n - 1))) < 1e-3);
  assert.deepEqual(stats(unused), { mean: [0, 0, 0], variance: [1, 1, 1] });
  // recalibrateBatchNorm drives the same protocol over a module tree.
  const used = recalibrateBatchNorm(bn, batches, (x) => tf.tidy(() => void bn.apply(x, true)));
  assert.equal(used, 3);
  assert.ok(maxAbsDiff(tf.tensor1d(stats(bn).mean), mean) < 1e-4);
  assert.throws(() => bn.endRecalibration(), /without beginRecalibration/);
  bn.dispose();
  unused.dispose();
});
