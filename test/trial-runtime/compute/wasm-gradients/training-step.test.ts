import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

const TOLERANCE = 1e-4;

/**
 * One loss over every op the SPOS / NDS / NB201 supernets use: conv2d (stride 1/2; 'same',
 * 'valid', explicit), depthwise 3/5/7 stride 1/2, batch norm via moments, relu, avg/max pool 3x3
 * s1/s2, global average pool, concat, gather (channel shuffle), slice, reshape/transpose, matMul,
 * softmax cross-entropy.
 */
function supernetOpsLoss(tf: TfCore, x: Tensor4D, params: Tensor[]): Tensor {
  const [stem, w1, d3, d5, d7, wf, fc] = params as [Tensor4D, Tensor4D, Tensor4D, Tensor4D, Tensor4D, Tensor4D, Tensor2D];
  const bn = (t: Tensor4D): Tensor4D => {
    const { mean, variance } = tf.moments(t, [0, 1, 2], true);
    return tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-5))) as Tensor4D;
  };
  let h = tf.relu(bn(tf.conv2d(x, stem, 2, 'same'))); // [2, 6, 6, 8]
  const even = tf.tensor1d([0, 2, 4, 6], 'int32') as Tensor1D;
  const odd = tf.tensor1d([1, 3, 5, 7], 'int32') as Tensor1D;
  const a = tf.gather(h, even, 3) as Tensor4D;
  const b = tf.gather(h, odd, 3) as Tensor4D;
  const inner = tf.conv2d(b, w1, 1, "valid") as Tensor4D;
  const main = tf.relu(bn(tf.conv2d(bn(tf.depthwiseConv2d(inner, d3, 1, "same")), w1, 1, "valid")));
  h = tf.concat([a, main], 3); // [2, 6, 6, 8]
  const down = tf.depthwiseConv2d(h, d5, 2, 'same'); // [2, 3, 3, 8]
  const seven = tf.depthwiseConv2d(h, d7, 1, 'same');
  const pools = tf.add(tf.avgPool(seven, 3, 2, 'same'), tf.maxPool(seven, 3, 2, 'same'));
  const s1 = tf.add(tf.avgPool(down, 3, 1, 'same'), tf.maxPool(down, 3, 1, 'same'));
  const sliced = tf.slice(tf.add(pools, s1), [0, 0, 0, 0], [2, 3, 3, 6]) as Tensor4D;
  const wide = tf.conv2d(sliced, wf, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]); // [2, 3, 3, 6]
  const valid = tf.conv2d(wide, tf.slice(wf, [0, 0, 0, 0], [2, 2, 6, 6]) as Tensor4D, 1, 'valid'); // [2, 2, 2, 6]
  const t = tf.reshape(tf.transpose(valid, [0, 3, 1, 2]), [2, 24]);
  const pooled = tf.mean(wide, [1, 2]) as Tensor2D; // global average pool [2, 6]
  const logits = tf.add(tf.matMul(pooled, fc), tf.matMul(t, tf.ones([24, 5])));
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 3], 'int32') as Tensor1D, 5), logits as Tensor2D);
}

const PARAM_SHAPES = [
  [3, 3, 3, 8],
  [1, 1, 4, 4],
  [3, 3, 4, 1],
  [5, 5, 8, 1],
  [7, 7, 8, 1],
  [3, 3, 6, 6],
  [6, 5],
];

describe('a training step over every supernet op on wasm', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends();
  });

  it('produces the CPU backend gradients (relative error < 1e-4) and leaks no tensor on a second run', async () => {
    const run = (): Tensor[] => {
      const x = tf.tensor(randomValues([2, 12, 12, 3], 7), [2, 12, 12, 3]) as Tensor4D;
      const params = PARAM_SHAPES.map((s, i) => tf.tensor(randomValues(s, 50 + i), s));
      const { value, grads } = tf.valueAndGrads((...p: Tensor[]) => supernetOpsLoss(tf, x, p) as never)(params);
      return [value, ...grads];
    };
    const fast = await runOn(tf, 'wasm', run);
    const ref = await runOn(tf, 'cpu', run);
    await tf.setBackend('wasm');
    assert.equal(fast.length, PARAM_SHAPES.length + 1);
    fast.forEach((f, i) => {
      const err = relativeError(f, ref[i] as Float32Array);
      assert.ok(err < TOLERANCE, `output ${i}: relative error ${err}`);
    });
    const before = tf.memory().numTensors;
    await runOn(tf, 'wasm', run);
    assert.equal(tf.memory().numTensors, before);
  });

  it('UnsortedSegmentSum (gradient of gather) adds rows that share a segment and drops out-of-range ids', async () => {
    const values = randomValues([8, 3, 2], 9);
    const segmentIds = [0, 2, 2, 4, 0, 1, 5, -1]; // 5 and -1 are out of range
    const run = (): Tensor[] => [tf.unsortedSegmentSum(tf.tensor(values, [8, 3, 2]), tf.tensor1d(segmentIds, 'int32'), 5)];
    const [fast] = await runOn(tf, 'wasm', run);
    const [ref] = await runOn(tf, 'cpu', run);
    await tf.setBackend('wasm');
    assert.ok(relativeError(fast as Float32Array, ref as Float32Array) < TOLERANCE);
    const expected = new Float32Array(5 * 6); // segment 3 gets no row: zeros
    segmentIds.forEach((s, row) => {
      if (s >= 0 && s < 5) for (let k = 0; k < 6; k++) expected[s * 6 + k] += values[row * 6 + k] as number;
    });
    assert.ok(relativeError(fast as Float32Array, expected) < TOLERANCE);
  });
});

describe('MaxPoolGrad on wasm', () => {
  it('gives the gradient to the window maximum even when every element of the window is negative', async () => {
    const tf = await loadBothBackends();
    const run = (): Tensor[] => {
      const x = tf.tensor4d([-0.73, -1.63, 0.52, -0.43, -0.95], [1, 1, 5, 1]);
      return [tf.grad((a: Tensor) => tf.sum(tf.maxPool(a as Tensor4D, [1, 3], 1, 'same')))(x)];
    };
    const [fast] = await runOn(tf, 'wasm', run);
    assert.deepEqual(Array.from(fast as Float32Array), [1, 0, 3, 1, 0]);
  });
});
