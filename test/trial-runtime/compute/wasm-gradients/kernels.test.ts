import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface ConvCase {
  x: Shape4;
  filter: Shape4;
  strides: [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 5], strides: [2, 2], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [1, 1, 4, 6], strides: [1, 1], pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [1, 1, 4, 6], strides: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 3], filter: [5, 5, 3, 2], strides: [1, 1], pad: [[0, 0], [2, 1], [1, 2], [0, 0]] },
  { x: [1, 10, 9, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: 1 },
  { x: [2, 9, 8, 3], filter: [3, 2, 3, 4], strides: [2, 1], pad: 'valid' },
  { x: [2, 16, 16, 3], filter: [3, 3, 3, 16], strides: [2, 2], pad: 'same' },
  // Pointwise (1x1, stride 1, no padding): the matMul gradients of conv1x1-backprop.ts.
  { x: [3, 4, 4, 32], filter: [1, 1, 32, 48], strides: [1, 1], pad: 'same' },
  { x: [2, 2, 2, 64], filter: [1, 1, 64, 16], strides: [1, 1], pad: 0 },
];

const DEPTHWISE_CASES: ConvCase[] = [
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 1], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 9, 3], filter: [5, 5, 3, 1], strides: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [5, 5, 4, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [7, 7, 4, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 14, 14, 3], filter: [7, 7, 3, 1], strides: [2, 2], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: [2, 2], pad: 'valid' },
  { x: [1, 8, 8, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
  // Stride 2, multiplier 1 (SPOS's padding k // 2): the SIMD kernels of wasm-simd/.
  { x: [2, 8, 8, 6], filter: [7, 7, 6, 1], strides: [2, 2], pad: 3 },
  { x: [2, 4, 4, 5], filter: [7, 7, 5, 1], strides: [2, 2], pad: 3 },
  { x: [1, 10, 9, 3], filter: [3, 3, 3, 1], strides: [2, 2], pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
];

const TOLERANCE = 1e-4;

function outShape(tf: TfCore, c: ConvCase, depthwise: boolean): Shape4 {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, depthwise);
  return info.outShape as Shape4;
}

function label(c: ConvCase): string {
  return `x${JSON.stringify(c.x)} w${JSON.stringify(c.filter)} s${c.strides.join('x')} pad ${JSON.stringify(c.pad)}`;
}

/** Runs one backward kernel on wasm and cpu with the same inputs and compares. */
async function compareKernel(
  tf: TfCore,
  kernel: string,
  inputs: Record<string, { shape: Shape4; seed: number }>,
  attrs: NamedAttrMap,
): Promise<number> {
  const run = (): Tensor[] => {
    const made: Record<string, Tensor> = {};
    for (const [name, spec] of Object.entries(inputs)) made[name] = tf.tensor(randomValues(spec.shape, spec.seed), spec.shape);
    return [tf.engine().runKernel(kernel, made, attrs) as Tensor];
  };
  const [fast] = await runOn(tf, 'wasm', run);
  const [ref] = await runOn(tf, 'cpu', run);
  await tf.setBackend('wasm');
  return relativeError(fast as Float32Array, ref as Float32Array);
}

describe('wasm gradient kernels match the CPU backend', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends();
  });

  for (const [i, c] of CONV_CASES.entries()) {
    it(`Conv2DBackpropInput ${label(c)}`, async () => {
      const dy = outShape(tf, c, false);
      const err = await compareKernel(tf, 'Conv2DBackpropInput', { dy: { shape: dy, seed: i }, filter: { shape: c.filter, seed: 100 + i } }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
      } as unknown as NamedAttrMap);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
    it(`Conv2DBackpropFilter ${label(c)}`, async () => {
      const dy = outShape(tf, c, false);
      const err = await compareKernel(tf, 'Conv2DBackpropFilter', { x: { shape: c.x, seed: 200 + i }, dy: { shape: dy, seed: 300 + i } }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter,
      } as unknown as NamedAttrMap);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    it(`DepthwiseConv2dNativeBackpropInput ${label(c)}`, async () => {
      const dy = outShape(tf, c, true);
      const err = await compareKernel(tf, 'DepthwiseConv2dNativeBackpropInput', { dy: { shape: dy, seed: 400 + i }, filter: { shape: c.filter, seed: 500 + i } }, {
        strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.x,
      } as unknown as NamedAttrMap);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
    it(`DepthwiseConv2dNativeBackpropFilter ${label(c)}`, async () => {
      const dy = outShape(tf, c, true);
      const err = await compareKernel(tf, 'DepthwiseConv2dNativeBackpropFilter', { x: { shape: c.x, seed: 600 + i }, dy: { shape: dy, seed: 700 + i } }, {
        strides: c.strides, dilations: 1, pad: c.pad, filterShape: c.filter,
      } as unknown as NamedAttrMap);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  it('gradients of conv2d and depthwiseConv2d through tf.grads match, and a second run leaks no tensor', async () => {
    const x = [4, 12, 12, 6] as Shape4;
    const run = (): Tensor[] => {
      const xs = tf.tensor(randomValues(x, 1), x) as Tensor4D;
      const w = tf.tensor(randomValues([3, 3, 6, 8], 2), [3, 3, 6, 8]) as Tensor4D;
      const d = tf.tensor(randomValues([5, 5, 8, 1], 3), [5, 5, 8, 1]) as Tensor4D;
      const loss = (a: Tensor, b: Tensor, c: Tensor): Tensor =>
        tf.sum(tf.square(tf.depthwiseConv2d(tf.relu(tf.conv2d(a as Tensor4D, b as Tensor4D, 2, 'same')), c as Tensor4D, 1, 'same')));
      return tf.grads(loss)([xs, w, d]);
    };
    const fast = await runOn(tf, 'wasm', run);
    const ref = await runOn(tf, 'cpu', run);
    await tf.setBackend('wasm');
    for (let i = 0; i < 3; i++) {
      const err = relativeError(fast[i] as Float32Array, ref[i] as Float32Array);
      assert.ok(err < TOLERANCE, `gradient ${i}: relative error ${err}`);
    }
    const before = tf.memory().numTensors;
    await runOn(tf, 'wasm', run);
    assert.equal(tf.memory().numTensors, before);
  });
});
