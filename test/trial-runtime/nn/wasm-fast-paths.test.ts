/**
 * The nn fast paths on wasm against the plain CPU backend (relative error < 1e-4), values and
 * gradients: training-mode BN as one op with an analytic gradient, the transpose-based channel
 * split, and folded conv+BN+ReLU.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../trial-runtime/compute/tf-core';
import { batchNormTrain } from '../../../trial-runtime/nn/batch-norm-train';
import { channelShuffle } from '../../../trial-runtime/nn/channel-shuffle';
import { Conv2d } from '../../../trial-runtime/nn/conv2d';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { FoldedConvBn } from '../../../trial-runtime/nn/folded-conv-bn';
import { loadBothBackends, randomValues, relativeError, runOn } from '../compute/backends';

const TOLERANCE = 1e-4;
let tf: TfCore;

before(async () => {
  tf = await loadBothBackends();
});

/** The textbook BN (autodiff through every op): the reference. */
function referenceBn(x: Tensor4D, eps: number): Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))) as Tensor4D;
}

/** Value and input gradient of sum(f(x) * r) for a fixed random r. */
function valueAndGrad(f: (x: Tensor4D) => Tensor, shape: [number, number, number, number], seed: number): () => Tensor[] {
  return () => {
    const x = tf.tensor4d(randomValues(shape, seed), shape);
    const loss = (t: Tensor): Tensor => {
      const y = f(t as Tensor4D);
      return tf.sum(tf.mul(y, tf.tensor(randomValues(y.shape, seed + 1), y.shape)));
    };
    const { value, grad } = tf.valueAndGrad(loss)(x);
    return [f(x), value, grad];
  };
}

async function wasmVsCpu(fn: () => Tensor[]): Promise<number[]> {
  const wasm = await runOn(tf, 'wasm', fn);
  const cpu = await runOn(tf, 'cpu', fn);
  await tf.setBackend('wasm');
  return wasm.map((w, i) => relativeError(w, cpu[i] as Float32Array));
}

test('batchNormTrain: value and gradient equal autodiff of the textbook BN, on wasm and cpu', async () => {
  for (const [shape, seed] of [[[4, 5, 5, 6], 1], [[8, 2, 2, 16], 2], [[2, 7, 3, 3], 3]] as Array<[[number, number, number, number], number]>) {
    // Shift and scale the input so the statistics matter.
    const prep = (x: Tensor4D): Tensor4D => tf.add(tf.mul(x, 3), 1.5) as Tensor4D;
    const fast = valueAndGrad((x) => batchNormTrain(prep(x), 1e-5), shape, seed);
    const ref = valueAndGrad((x) => referenceBn(prep(x), 1e-5), shape, seed);
    for (const backend of ['cpu', 'wasm']) {
      const a = await runOn(tf, backend, fast);
      const b = await runOn(tf, backend, ref);
      a.forEach((v, i) => assert.ok(relativeError(v, b[i] as Float32Array) < TOLERANCE, `${backend} ${shape} output ${i}: ${relativeError(v, b[i] as Float32Array)}`));
    }
    for (const err of await wasmVsCpu(fast)) assert.ok(err < TOLERANCE, `wasm vs cpu ${shape}: ${err}`);
  }
});

test('batchNormTrain reports the batch mean and biased variance and leaks nothing', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor4d([1, 10, 3, 20, 5, 30, 7, 40], [2, 2, 1, 2]);
  let stats: number[][] = [];
  const run = (): void => tf.tidy(() => void batchNormTrain(x, 1e-5, (m, v) => (stats = [Array.from(m.dataSync()), Array.from(v.dataSync())])));
  run();
  const n = tf.memory().numTensors;
  run();
  assert.equal(tf.memory().numTensors, n);
  assert.deepEqual(stats[0], [4, 25]);
  assert.ok(Math.abs((stats[1]?.[0] as number) - 5) < 1e-5 && Math.abs((stats[1]?.[1] as number) - 125) < 1e-3);
  x.dispose();
});

test('channelShuffle: even/odd halves and their gradient equal a gather, on wasm and cpu', async () => {
  for (const shape of [[2, 3, 3, 8], [4, 2, 2, 32], [1, 1, 1, 6]] as Array<[number, number, number, number]>) {
    const c = shape[3];
    const viaGather = (x: Tensor4D): Tensor => {
      const even = tf.tensor1d(Array.from({ length: c / 2 }, (_, i) => 2 * i), 'int32');
      const odd = tf.tensor1d(Array.from({ length: c / 2 }, (_, i) => 2 * i + 1), 'int32');
      return tf.concat([tf.mul(tf.gather(x, even, 3), 2), tf.gather(x, odd, 3)], 3);
    };
    const viaShuffle = (x: Tensor4D): Tensor => {
      const [even, odd] = channelShuffle(x);
      return tf.concat([tf.mul(even, 2), odd], 3);
    };
    for (const backend of ['cpu', 'wasm']) {
      const a = await runOn(tf, backend, valueAndGrad(viaShuffle, shape, 4));
      const b = await runOn(tf, backend, valueAndGrad(viaGather, shape, 4));
      a.forEach((v, i) => assert.deepEqual(Array.from(v), Array.from(b[i] as Float32Array), `${backend} ${shape} output ${i}`));
    }
  }
  await tf.setBackend('wasm');
  assert.throws(() => channelShuffle(tf.zeros([1, 1, 1, 3]) as Tensor4D), /even channel count/);
});

test('folded conv+BN+ReLU on wasm equals the plain chain on cpu (dense 3x3 s2, depthwise 7x7)', async () => {
  for (const depthwise of [false, true]) {
    await tf.setBackend('cpu');
    const conv = new Conv2d('w.conv', { inChannels: 8, outChannels: 8, kernelSize: depthwise ? 7 : 3, stride: depthwise ? 1 : 2, groups: depthwise ? 8 : 1, init: { kind: 'normal', std: 0.2, seed: 9 } });
    const bn = new BatchNorm('w.bn', { channels: 8, affine: true });
    conv.build(`t-wf-${depthwise}`);
    bn.build(`t-wf-${depthwise}`);
    const shape: [number, number, number, number] = [3, 9, 9, 8];
    // Statistics from a training pass, so the running stats are not 0/1.
    tf.tidy(() => void bn.apply(conv.apply(tf.tensor4d(randomValues(shape, 5), shape)), true));
    const folded = new FoldedConvBn(conv, bn, true);
    const x = (): Tensor4D => tf.tensor4d(randomValues(shape, 6), shape);
    const fast = await runOn(tf, 'wasm', () => [folded.apply(x())]);
    folded.release();
    const ref = await runOn(tf, 'cpu', () => [tf.relu(bn.apply(conv.apply(x()), false))]);
    const err = relativeError(fast[0] as Float32Array, ref[0] as Float32Array);
    assert.ok(err < TOLERANCE, `depthwise=${depthwise}: ${err}`);
    conv.dispose();
    bn.dispose();
  }
  await tf.setBackend('wasm');
});
