import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { NamedAttrMap, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { convGeometry, type ConvGeometry, type ConvPad } from '../../../../trial-runtime/compute/wasm-gradients/conv-geometry';
import { depthwiseFilterGradSimd, depthwiseForwardSimd, depthwiseInputGradSimd } from '../../../../trial-runtime/compute/wasm-simd/depthwise-simd';
import { SimdModuleLoader } from '../../../../trial-runtime/compute/wasm-simd/simd-module';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Shape4 = [number, number, number, number];

interface Case {
  x: Shape4;
  k: number;
  strides: [number, number];
  pad: ConvPad;
}

const PADS: ConvPad[] = ['same', 'valid', [[0, 0], [2, 0], [1, 3], [0, 0]]];
const CHANNELS = [1, 3, 4, 17, 64];

/** Kernel 3/5/7 x stride 1/2 x padding same/valid/explicit; channels and batch cycle through tails. */
function cases(): Case[] {
  const out: Case[] = [];
  let n = 0;
  for (const k of [3, 5, 7]) {
    for (const s of [1, 2]) {
      for (const pad of PADS) {
        const c = CHANNELS[n % CHANNELS.length] as number;
        const batch = n % 2 === 0 ? 1 : 3;
        out.push({ x: [batch, 9 + (n % 3), 8 + (n % 2), c], k, strides: s === 1 ? [1, 1] : n % 4 === 1 ? [2, 1] : [2, 2], pad });
        n++;
      }
    }
  }
  return out;
}

const TOLERANCE = 1e-4;

const label = (c: Case): string => `x${JSON.stringify(c.x)} k${c.k} s${c.strides.join('x')} pad ${JSON.stringify(c.pad)}`;

describe('wasm SIMD depthwise gradients', () => {
  let tf: TfCore;
  let loader: SimdModuleLoader;
  before(async () => {
    tf = await loadBothBackends();
    loader = new SimdModuleLoader();
  });

  function geometry(c: Case): ConvGeometry {
    return convGeometry(tf, c.x, [c.k, c.k, c.x[3], 1], c.strides, c.pad, undefined, true);
  }

  function dyShape(g: ConvGeometry): Shape4 {
    return [g.batch, g.outHeight, g.outWidth, g.inChannels];
  }

  /** The cpu backend's gradient kernel on the same values: the reference. */
  async function reference(kernel: string, inputs: Record<string, [Float32Array, Shape4]>, attrs: object): Promise<Float32Array> {
    const [out] = await runOn(tf, 'cpu', () => {
      const made: Record<string, Tensor> = {};
      for (const [name, [v, s]] of Object.entries(inputs)) made[name] = tf.tensor4d(v, s);
      return [tf.engine().runKernel(kernel, made, attrs as NamedAttrMap) as Tensor];
    });
    await tf.setBackend('wasm');
    return out as Float32Array;
  }

  /** Filter gradient by the SIMD kernel (must not fall back) and by cpu; returns the relative error. */
  async function filterGradError(c: Case, seed: number): Promise<number> {
    const g = geometry(c);
    const xv = randomValues(c.x, seed);
    const dyv = randomValues(dyShape(g), seed + 1);
    const [got] = await runOn(tf, 'wasm', () => {
      const out = depthwiseFilterGradSimd(tf, loader, tf.tensor4d(xv, c.x), tf.tensor4d(dyv, dyShape(g)), g, 1);
      assert.ok(out, 'the SIMD kernel ran (no fallback)');
      return [out];
    });
    const want = await reference('DepthwiseConv2dNativeBackpropFilter', { x: [xv, c.x], dy: [dyv, dyShape(g)] }, {
      strides: c.strides, pad: c.pad, dilations: 1, filterShape: [c.k, c.k, c.x[3], 1],
    });
    return relativeError(got as Float32Array, want);
  }

  /** Input gradient by the SIMD kernel and by cpu; returns the relative error. */
  async function inputGradError(c: Case, seed: number): Promise<number> {
    const g = geometry(c);
    const filterShape: Shape4 = [c.k, c.k, c.x[3], 1];
    const wv = randomValues(filterShape, seed);
    const dyv = randomValues(dyShape(g), seed + 1);
    const [got] = await runOn(tf, 'wasm', () => {
      const out = depthwiseInputGradSimd(tf, loader, tf.tensor4d(dyv, dyShape(g)), tf.tensor4d(wv, filterShape), g);
      assert.ok(out, 'the SIMD kernel ran (no fallback)');
      return [out];
    });
    const want = await reference('DepthwiseConv2dNativeBackpropInput', { dy: [dyv, dyShape(g)], filter: [wv, filterShape] }, {
      strides: c.strides, pad: c.pad, dilations: 1, inputShape: c.x,
    });
    return relativeError(got as Float32Array, want);
  }

  for (const [i, c] of cases().entries()) {
    it(`filter gradient ${label(c)}`, async () => {
      const err = await filterGradError(c, 100 + 2 * i);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
    it(`input gradient ${label(c)}`, async () => {
      const err = await inputGradError(c, 300 + 2 * i);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  /** Forward (with bias and ReLU when asked) by the SIMD kernel and by cpu's fused depthwise conv. */
  async function forwardError(c: Case, seed: number, withBias: boolean, relu: boolean): Promise<number> {
    const g = geometry(c);
    const filterShape: Shape4 = [c.k, c.k, c.x[3], 1];
    const xv = randomValues(c.x, seed);
    const wv = randomValues(filterShape, seed + 1);
    const bv = randomValues([c.x[3]], seed + 2);
    const [got] = await runOn(tf, 'wasm', () => {
      const bias = withBias ? (tf.tensor1d(bv) as Tensor1D) : undefined;
      const out = depthwiseForwardSimd(tf, loader, tf.tensor4d(xv, c.x), tf.tensor4d(wv, filterShape), g, bias, relu);
      assert.ok(out, 'the SIMD kernel ran (no fallback)');
      return [out];
    });
    const [want] = await runOn(tf, 'cpu', () => [
      tf.fused.depthwiseConv2d({
        x: tf.tensor4d(xv, c.x), filter: tf.tensor4d(wv, filterShape), strides: c.strides, pad: c.pad as 'same',
        bias: withBias ? tf.tensor1d(bv) : undefined, activation: relu ? 'relu' : 'linear',
      }),
    ]);
    await tf.setBackend('wasm');
    return relativeError(got as Float32Array, want as Float32Array);
  }

  for (const [i, c] of cases().entries()) {
    const withBias = i % 2 === 0;
    const relu = i % 3 !== 0;
    it(`forward${withBias ? ' + bias' : ''}${relu ? ' + relu' : ''} ${label(c)}`, async () => {
      const err = await forwardError(c, 500 + 3 * i, withBias, relu);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  // The supernet's largest sums: 64 images of 32x32 outputs per filter tap.
  for (const c of [
    { x: [64, 32, 32, 16], k: 3, strides: [1, 1], pad: 1 },
    { x: [64, 8, 8, 32], k: 7, strides: [2, 2], pad: 3 },
  ] as Case[]) {
    it(`filter gradient at supernet size ${label(c)}`, async () => {
      const err = await filterGradError(c, 7);
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  it('returns undefined for a channel multiplier above 1 (the caller falls back)', async () => {
    await tf.setBackend('wasm');
    const g = convGeometry(tf, [1, 6, 6, 2], [3, 3, 2, 2], 1, 'same', undefined, true);
    tf.tidy(() => {
      const filter = tf.ones([3, 3, 2, 2]) as Tensor4D;
      const dy = tf.ones([1, 6, 6, 4]) as Tensor4D;
      assert.equal(depthwiseInputGradSimd(tf, loader, dy, filter, g), undefined);
      assert.equal(depthwiseFilterGradSimd(tf, loader, tf.ones([1, 6, 6, 2]) as Tensor4D, dy, g, 2), undefined);
      assert.equal(depthwiseForwardSimd(tf, loader, tf.ones([1, 6, 6, 2]) as Tensor4D, filter, g, undefined, false), undefined);
    });
  });

  it('the registered kernels leak no tensor', async () => {
    const c: Case = { x: [2, 8, 8, 17], k: 5, strides: [2, 2], pad: 'same' };
    const g = geometry(c);
    const attrs = { strides: c.strides, pad: c.pad, dilations: 1 };
    const run = (): Tensor[] => {
      const x = tf.tensor4d(randomValues(c.x, 1), c.x);
      const dy = tf.tensor4d(randomValues(dyShape(g), 2), dyShape(g));
      const w = tf.tensor4d(randomValues([5, 5, 17, 1], 3), [5, 5, 17, 1]);
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: [5, 5, 17, 1] } as unknown as NamedAttrMap) as Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x } as unknown as NamedAttrMap) as Tensor,
      ];
    };
    await runOn(tf, 'wasm', run);
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    await runOn(tf, 'wasm', run);
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.memory().numBytes, bytes);
  });
});
