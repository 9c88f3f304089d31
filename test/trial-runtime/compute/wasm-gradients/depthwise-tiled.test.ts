import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { planTiles } from '../../../../trial-runtime/compute/wasm-gradients/depthwise-tiled';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  x: Shape4;
  filter: Shape4;
  strides: number;
  pad: Pad;
  dilations?: number;
  /** Whether the case is expected to take the tiled path. */
  tiled: boolean;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 4], filter: [7, 7, 4, 1], strides: 1, pad: 'same', tiled: true },
  { x: [2, 14, 14, 3], filter: [7, 7, 3, 1], strides: 2, pad: 'same', tiled: true },
  { x: [2, 15, 15, 3], filter: [7, 7, 3, 1], strides: 2, pad: 'same', tiled: true },
  { x: [2, 9, 9, 2], filter: [7, 7, 2, 2], strides: 1, pad: 3, tiled: true },
  { x: [1, 10, 9, 2], filter: [9, 6, 2, 1], strides: 1, pad: [[0, 0], [4, 4], [5, 3], [0, 0]], tiled: true },
  { x: [1, 12, 12, 2], filter: [7, 7, 2, 1], strides: 1, pad: 'same', dilations: 2, tiled: true },
  { x: [2, 8, 8, 3], filter: [7, 7, 3, 1], strides: 1, pad: 'valid', tiled: false },
  { x: [2, 8, 8, 3], filter: [5, 5, 3, 1], strides: 1, pad: 'same', tiled: false },
];

let tf: TfCore;

before(async () => {
  tf = await loadBothBackends();
});

function info(c: Case): ReturnType<TfCore['backend_util']['computeConv2DInfo']> {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad, undefined, true);
}

test('planTiles: four 5x5 tiles for 6..10-tap sides with room to shift the padding, else none', () => {
  for (const c of CASES) {
    const tiles = c.filter[0] * c.filter[1] > 25 ? planTiles(info(c)) : undefined;
    assert.equal(tiles !== undefined, c.tiled, JSON.stringify(c));
    if (tiles) assert.equal(tiles.length, 4);
  }
  assert.equal(planTiles(info({ x: [1, 30, 30, 1], filter: [11, 11, 1, 1], strides: 1, pad: 'same', tiled: false })), undefined);
});

test('wasm depthwise (plain and fused with bias + ReLU) with large filters equals the cpu backend', async () => {
  for (const c of CASES) {
    const run = (): Tensor[] => {
      const x = tf.tensor4d(randomValues(c.x, 1), c.x);
      const w = tf.tensor4d(randomValues(c.filter, 2), c.filter);
      const bias = tf.tensor1d(randomValues([c.filter[2] * c.filter[3]], 3)) as Tensor1D;
      const d = c.dilations ?? 1;
      const plain = tf.depthwiseConv2d(x, w as Tensor4D, c.strides, c.pad, 'NHWC', d);
      // tf.fused takes 'same' | 'valid' | number padding only.
      if (typeof c.pad === 'object') return [plain];
      const fused = tf.fused.depthwiseConv2d({ x, filter: w, strides: c.strides, pad: c.pad, dilations: d, bias, activation: 'relu' });
      return [plain, fused];
    };
    const wasm = await runOn(tf, 'wasm', run);
    const cpu = await runOn(tf, 'cpu', run);
    wasm.forEach((v, i) => {
      const err = relativeError(v, cpu[i] as Float32Array);
      assert.ok(err < 1e-4, `${JSON.stringify(c)} output ${i}: ${err}`);
    });
  }
  await tf.setBackend('wasm');
});

test('a training step through a 7x7 depthwise conv (tiled forward and input gradient) matches cpu', async () => {
  const shape: Shape4 = [2, 9, 9, 3];
  const fshape: Shape4 = [7, 7, 3, 1];
  const run = (): Tensor[] => {
    const x = tf.tensor4d(randomValues(shape, 4), shape);
    const w = tf.tensor4d(randomValues(fshape, 5), fshape);
    const loss = (a: Tensor, b: Tensor): Tensor => tf.sum(tf.square(tf.depthwiseConv2d(tf.relu(tf.depthwiseConv2d(a as Tensor4D, b as Tensor4D, 1, 'same')), b as Tensor4D, 2, 'same')));
    const [gx, gw] = tf.grads(loss)([x, w]);
    return [loss(x, w), gx as Tensor, gw as Tensor];
  };
  const wasm = await runOn(tf, 'wasm', run);
  const cpu = await runOn(tf, 'cpu', run);
  wasm.forEach((v, i) => assert.ok(relativeError(v, cpu[i] as Float32Array) < 1e-4, `output ${i}: ${relativeError(v, cpu[i] as Float32Array)}`));
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  await runOn(tf, 'wasm', run);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
});
