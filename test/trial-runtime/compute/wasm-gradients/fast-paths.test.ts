import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { convGeometry } from '../../../../trial-runtime/compute/wasm-gradients/conv-geometry';
import { isPointwise } from '../../../../trial-runtime/compute/wasm-gradients/conv1x1-backprop';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Shape4 = [number, number, number, number];

const TOLERANCE = 1e-4;

describe('wasm gradient fast paths', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends();
  });

  it('isPointwise accepts only 1x1, stride 1, unpadded convolutions', () => {
    const at = (filter: Shape4, strides: number, pad: 'same' | 'valid' | number): boolean =>
      isPointwise(convGeometry(tf, [2, 6, 6, 4], filter, strides, pad, undefined, false));
    assert.equal(at([1, 1, 4, 8], 1, 'same'), true);
    assert.equal(at([1, 1, 4, 8], 1, 0), true);
    assert.equal(at([1, 1, 4, 8], 2, 'valid'), false);
    assert.equal(at([1, 1, 4, 8], 1, 1), false);
    assert.equal(at([3, 3, 4, 8], 1, 'same'), false);
  });

  it('a training step through pointwise and stride-2 depthwise convs matches cpu and leaks no tensor on wasm', async () => {
    const shapes: Shape4[] = [[2, 8, 8, 6], [1, 1, 6, 10], [7, 7, 10, 1], [1, 1, 10, 4]];
    const values = shapes.map((s, i) => randomValues(s, 40 + i));
    const step = (): Tensor[] => {
      const [x, w1, d7, w2] = shapes.map((s, i) => tf.tensor4d(values[i] as Float32Array, s));
      const f = (a: Tensor, b: Tensor, c: Tensor): Tensor =>
        tf.sum(tf.square(tf.conv2d(tf.relu(tf.depthwiseConv2d(tf.conv2d(x as Tensor4D, a as Tensor4D, 1, 0), b as Tensor4D, 2, 3)), c as Tensor4D, 1, 'same')));
      const { value, grads } = tf.valueAndGrads(f)([w1 as Tensor, d7 as Tensor, w2 as Tensor]);
      return [value, ...grads];
    };
    const want = await runOn(tf, 'cpu', step);
    await tf.setBackend('wasm');
    tf.dispose(tf.tidy(step)); // warm-up: one-off tensors (kernel constants) are made now
    const before = tf.memory().numTensors;
    const got = await runOn(tf, 'wasm', step);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by a training step');
    for (const [i, w] of want.entries()) assert.ok(relativeError(got[i] as Float32Array, w) < TOLERANCE, `output ${i}`);
  });
});
