import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from './tf-cpu';
import { Conv2d } from '../../../trial-runtime/nn/conv2d';
import { Linear } from '../../../trial-runtime/nn/linear';
import { AvgPool2d, MaxPool2d, globalAvgPool } from '../../../trial-runtime/nn/pooling';
import { channelShuffle } from '../../../trial-runtime/nn/channel-shuffle';
import { SqueezeExcite } from '../../../trial-runtime/nn/squeeze-excite';
import { convOutputSize } from '../../../trial-runtime/nn/conv-cost';

before(useCpuBackend);

test('grouped conv equals one dense conv per group on channel slices', () => {
  const conv = new Conv2d('g', { inChannels: 4, outChannels: 6, kernelSize: 3, groups: 2, stride: 2 });
  conv.build('t-grouped');
  const w = conv.namedWeights().get('g.weight') as tf.Variable;
  assert.deepEqual(w.shape, [3, 3, 2, 6]);
  const x = tf.randomNormal([1, 5, 5, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = conv.apply(x);
  assert.deepEqual(y.shape, [1, 3, 3, 6]);
  const y0 = tf.conv2d(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 2]), tf.slice(w, [0, 0, 0, 0], [-1, -1, -1, 3]) as tf.Tensor4D, 2, 1);
  const y1 = tf.conv2d(tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]), tf.slice(w, [0, 0, 0, 3], [-1, -1, -1, 3]) as tf.Tensor4D, 2, 1);
  assert.ok(maxAbsDiff(y, tf.concat([y0, y1], 3)) < 1e-5);
  conv.dispose();
});

test('depthwise conv has one filter per channel and pads like PyTorch (k//2)', () => {
  const conv = new Conv2d('dw', { inChannels: 3, outChannels: 3, kernelSize: 5, groups: 3, stride: 2 });
  conv.build('t-dw');
  assert.deepEqual(conv.namedWeights().get('dw.weight')?.shape, [5, 5, 3, 1]);
  const y = conv.apply(tf.ones([2, 7, 7, 3]));
  assert.deepEqual(y.shape, [2, convOutputSize(7, 5, 2, 2), convOutputSize(7, 5, 2, 2), 3]);
  assert.throws(() => new Conv2d('bad', { inChannels: 3, outChannels: 6, kernelSize: 3, groups: 3 }), /depthwise/);
  assert.throws(() => new Conv2d('bad', { inChannels: 4, outChannels: 6, kernelSize: 3, groups: 4 }), /groups=4 must divide/);
  conv.dispose();
});

test('applySliced uses the leading channels of the dense kernel, block-diagonal for groups', () => {
  const conv = new Conv2d('s', { inChannels: 8, outChannels: 8, kernelSize: 3 });
  conv.build('t-slice');
  const w = conv.namedWeights().get('s.weight') as tf.Variable;
  const x = tf.randomNormal([1, 4, 4, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dense = conv.applySliced(x, { inChannels: 4, outChannels: 6 });
  assert.ok(maxAbsDiff(dense, tf.conv2d(x, tf.slice(w, [0, 0, 0, 0], [-1, -1, 4, 6]) as tf.Tensor4D, 1, 1)) < 1e-5);
  const grouped = conv.applySliced(x, { inChannels: 4, outChannels: 4, groups: 2 });
  const g1 = tf.conv2d(tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]), tf.slice(w, [0, 0, 2, 2], [-1, -1, 2, 2]) as tf.Tensor4D, 1, 1);
  assert.ok(maxAbsDiff(tf.slice(grouped, [0, 0, 0, 2], [-1, -1, -1, 2]), g1) < 1e-5);
  assert.throws(() => conv.applySliced(x, { inChannels: 4, outChannels: 9 }), /does not fit/);
  conv.dispose();
});

test('avg pool without padding count matches PyTorch count_include_pad=False, forward and gradient', () => {
  const pool = new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const y = pool.apply(x).dataSync();
  assert.ok(Math.abs((y[0] as number) - (1 + 2 + 4 + 5) / 4) < 1e-6);
  assert.ok(Math.abs((y[1] as number) - (1 + 2 + 3 + 4 + 5 + 6) / 6) < 1e-6);
  assert.ok(Math.abs((y[4] as number) - 5) < 1e-6);
  const g = tf.grad((t: tf.Tensor) => tf.sum(pool.apply(t as tf.Tensor4D)))(x).dataSync();
  // d/dx00 = sum over the 4 windows containing (0,0) of 1/count: 1/4 + 1/6 + 1/6 + 1/9.
  assert.ok(Math.abs((g[0] as number) - (1 / 4 + 1 / 6 + 1 / 6 + 1 / 9)) < 1e-6);
  const incl = new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1 }).apply(x).dataSync();
  assert.ok(Math.abs((incl[0] as number) - 12 / 9) < 1e-6);
});

test('max pool, global average pool, linear, SE and channel shuffle', () => {
  const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
  assert.deepEqual(Array.from(new MaxPool2d({ kernelSize: 2 }).apply(x).dataSync()), [5, 7, 13, 15]);
  assert.deepEqual(Array.from(globalAvgPool(x).dataSync()), [7.5]);
  const fc = new Linear('fc', { inFeatures: 3, outFeatures: 2 });
  fc.build('t-fc');
  const w = fc.namedWeights().get('fc.weight') as tf.Variable;
  const v = tf.tensor2d([[1, 2]]);
  assert.ok(maxAbsDiff(fc.apply(v), tf.matMul(v, tf.slice(w, [0, 0], [2, -1]))) < 1e-6);
  const se = new SqueezeExcite('se', { channels: 4 });
  se.build('t-se');
  assert.deepEqual(se.apply(tf.ones([2, 3, 3, 4])).shape, [2, 3, 3, 4]);
  assert.deepEqual([...se.namedWeights().keys()], ['se.reduce.weight', 'se.reduce.bias', 'se.expand.weight', 'se.expand.bias']);
  const c = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 1, 1, 6]);
  const [even, odd] = channelShuffle(c);
  assert.deepEqual(Array.from(even.dataSync()), [0, 2, 4]);
  assert.deepEqual(Array.from(odd.dataSync()), [1, 3, 5]);
  fc.dispose();
  se.dispose();
});

test('module lists named, trainable and all variables; build is idempotent; use before build fails', () => {
  const conv = new Conv2d('stage2.block3.choice1.dw', { inChannels: 2, outChannels: 2, kernelSize: 3, groups: 2, bias: true });
  assert.throws(() => conv.apply(tf.ones([1, 3, 3, 2])), /before build\(\)/);
  conv.build('t-mod');
  const n = tf.memory().numTensors;
  conv.build('t-mod');
  assert.equal(tf.memory().numTensors, n);
  assert.deepEqual([...conv.namedWeights().keys()], ['stage2.block3.choice1.dw.weight', 'stage2.block3.choice1.dw.bias']);
  assert.equal(conv.namedWeights().get('stage2.block3.choice1.dw.weight')?.name, 't-mod/stage2.block3.choice1.dw.weight');
  assert.equal(conv.trainableVariables().length, 2);
  conv.dispose();
  assert.equal(tf.memory().numTensors, n - 2);
});
