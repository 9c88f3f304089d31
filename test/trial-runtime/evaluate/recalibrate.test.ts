import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { batchNorms } from '../../../trial-runtime/nn/bn-recalibration';
import { Conv2d } from '../../../trial-runtime/nn/conv2d';
import { recalibrateArch } from '../../../trial-runtime/evaluate/recalibrate';
import { TINY_SHAPE, TINY_SPOS, tinySplit } from '../train/tiny-fixtures';

before(useCpuBackend);

test('exact recalibration sets the stem BN to the exact statistics of every recalibration image', async () => {
  const net = createSupernet('spos-cpu', { ...TINY_SPOS, scope: 'recal-exact' });
  net.build();
  const split = tinySplit(40, 9);
  const images = await recalibrateArch(net, [1, 2, 3], split, TINY_SHAPE, { batches: 5, batchSize: 8, normalization: null, seed: 4 });
  assert.equal(images, 40);
  const stem = [...net.root.walk()].find((m) => m.path === 'first_conv.conv') as Conv2d;
  const bn = batchNorms(net.root)[0];
  assert.equal(bn?.path, 'first_conv.bn');
  const [mean, variance] = tf.tidy(() => {
    const x = tf.div(tf.tensor4d(Float32Array.from(split.images), [40, 8, 8, 1]), 255) as tf.Tensor4D;
    const y = stem.apply(x);
    const m = tf.moments(y, [0, 1, 2]);
    const n = y.shape[0] * y.shape[1] * y.shape[2];
    return [m.mean.dataSync(), tf.mul(m.variance, n / (n - 1)).dataSync()];
  });
  const stats = bn!.runningStats();
  const gotMean = stats.mean.dataSync();
  const gotVar = stats.variance.dataSync();
  for (let c = 0; c < mean.length; c++) {
    assert.ok(Math.abs((gotMean[c] as number) - (mean[c] as number)) < 1e-4, `mean[${c}] ${gotMean[c]} vs ${mean[c]}`);
    assert.ok(Math.abs((gotVar[c] as number) - (variance[c] as number)) < 1e-4 * Math.max(1, variance[c] as number), `var[${c}] ${gotVar[c]} vs ${variance[c]}`);
  }
  tf.dispose([stats.mean, stats.variance]);
  // BNs of candidates off the path keep the reset statistics 0 / 1.
  const off = batchNorms(net.root).find((b) => b.path.startsWith('stage1.block1.choice0.'));
  const offStats = off!.runningStats();
  assert.ok(offStats.mean.dataSync().every((v) => v === 0));
  assert.ok(offStats.variance.dataSync().every((v) => v === 1));
  tf.dispose([offStats.mean, offStats.variance]);
  net.dispose();
});

test('momentum mode resets then blends with momentum 0.1 (SPOS tester literally)', async () => {
  const net = createSupernet('spos-cpu', { ...TINY_SPOS, scope: 'recal-momentum' });
  net.build();
  const split = tinySplit(8, 3);
  await recalibrateArch(net, [0, 0, 0], split, TINY_SHAPE, { batches: 1, batchSize: 8, normalization: null, seed: 0, mode: 'momentum' });
  const stem = [...net.root.walk()].find((m) => m.path === 'first_conv.conv') as Conv2d;
  const expected = tf.tidy(() => tf.mul(tf.moments(stem.apply(tf.div(tf.tensor4d(Float32Array.from(split.images), [8, 8, 8, 1]), 255) as tf.Tensor4D), [0, 1, 2]).mean, 0.1).dataSync());
  const stats = batchNorms(net.root)[0]!.runningStats();
  const got = stats.mean.dataSync();
  expected.forEach((e, c) => assert.ok(Math.abs((got[c] as number) - e) < 1e-5));
  tf.dispose([stats.mean, stats.variance]);
  net.dispose();
});
