/**
 * The in-heap training-mode batch-norm kernels on wasm (NasctlBatchNormTrain / ...Grad, used by
 * nn/batch-norm-train.ts) against the tfjs-op path on the CPU backend: values, input gradients,
 * reported statistics, no tensor leak, and a heap that grows while the kernel allocates.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from '../../../../trial-runtime/compute/wasm-gradients/batch-norm-kernels';
import { batchNormTrain } from '../../../../trial-runtime/nn/batch-norm-train';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Shape4 = [number, number, number, number];

const TOLERANCE = 1e-4;
/** Row counts (N*H*W) that are and are not multiples of the kernels' four-row unrolling. */
const SHAPES: Array<[Shape4, number]> = [
  [[4, 5, 5, 6], 11],
  [[8, 4, 4, 16], 12],
  [[3, 7, 3, 3], 13],
  [[64, 2, 2, 64], 14],
  [[2, 3, 1, 256], 15],
  [[1, 1, 1, 5], 16],
];

describe('wasm batch-norm kernels match the tfjs-op path on cpu', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends();
  });

  /** y, d/dx sum(y * r), and the batch mean and variance given to onStats, for shifted, scaled x. */
  function bnOutputs(shape: Shape4, seed: number): () => Tensor[] {
    return () => {
      const x = tf.add(tf.mul(tf.tensor4d(randomValues(shape, seed), shape), 3), 1.5) as Tensor4D;
      const r = tf.tensor(randomValues(shape, seed + 100), shape);
      const stats: Tensor[] = [];
      const y = batchNormTrain(x, 1e-5, (m, v) => stats.push(tf.keep(tf.clone(m)), tf.keep(tf.clone(v))));
      const grad = tf.grad((t: Tensor) => tf.sum(tf.mul(batchNormTrain(t as Tensor4D, 1e-5), r)))(x);
      return [y, grad, ...stats];
    };
  }

  it('registers both kernels for wasm', () => {
    assert.ok(tf.getKernel(BN_TRAIN_KERNEL, 'wasm'));
    assert.ok(tf.getKernel(BN_TRAIN_GRAD_KERNEL, 'wasm'));
  });

  it('value, input gradient and batch statistics agree (rel. error < 1e-4)', async () => {
    for (const [shape, seed] of SHAPES) {
      const wasm = await runOn(tf, 'wasm', bnOutputs(shape, seed));
      const cpu = await runOn(tf, 'cpu', bnOutputs(shape, seed));
      assert.equal(wasm.length, 4, `${shape}: onStats called once`);
      ['y', 'dx', 'mean', 'variance'].forEach((name, i) => {
        const err = relativeError(wasm[i] as Float32Array, cpu[i] as Float32Array);
        assert.ok(err < TOLERANCE, `${shape} ${name}: ${err}`);
      });
    }
    await tf.setBackend('wasm');
  });

  it('runs as the two nasctl kernels on wasm, not as tfjs ops', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(randomValues([2, 3, 3, 4], 21), [2, 3, 3, 4]);
    const info = await tf.profile(() => {
      const g = tf.grad((t: Tensor) => tf.sum(tf.square(batchNormTrain(t as Tensor4D, 1e-5))))(x);
      g.dispose();
    });
    x.dispose();
    assert.ok(info.kernelNames.includes(BN_TRAIN_KERNEL) && info.kernelNames.includes(BN_TRAIN_GRAD_KERNEL), info.kernelNames.join(', '));
    assert.ok(!info.kernelNames.includes('BatchMatMul'), info.kernelNames.join(', '));
  });

  it('reports the exact batch mean and biased variance and leaks no tensor in a tidy step', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d([1, 10, 3, 20, 5, 30, 7, 40], [2, 2, 1, 2]);
    let stats: number[][] = [];
    const step = (): void =>
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((t: Tensor) =>
          tf.sum(tf.square(batchNormTrain(t as Tensor4D, 1e-5, (m, v) => (stats = [Array.from(m.dataSync()), Array.from(v.dataSync())])))),
        )(x);
        value.dataSync();
        grad.dataSync();
      });
    step();
    const before = tf.memory().numTensors;
    step();
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(stats[0], [4, 25]);
    assert.ok(Math.abs((stats[1]?.[0] as number) - 5) < 1e-5 && Math.abs((stats[1]?.[1] as number) - 125) < 1e-3, JSON.stringify(stats));
    x.dispose();
  });

  it('is right when allocating its outputs grows the wasm heap', async () => {
    await tf.setBackend('wasm');
    const heap = (): ArrayBufferLike => (tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32.buffer;
    const c = 4;
    // An input over half the heap, made without growing it: then the kernel's output cannot fit
    // and makeOutput must grow the heap before the kernel takes its views.
    let x: Tensor4D | undefined;
    let values = new Float32Array(0);
    let rows = 0;
    let bytesBefore = 0;
    for (let attempt = 0; attempt < 6 && x === undefined; attempt++) {
      bytesBefore = heap().byteLength;
      rows = Math.ceil(bytesBefore / 4 / 2 / c) + 1;
      values = new Float32Array(rows * c);
      for (let i = 0; i < values.length; i++) values[i] = ((i * 2654435761) % 1000) / 100 + (i % c);
      const made = tf.tensor4d(values, [rows, 1, 1, c]);
      if (heap().byteLength === bytesBefore) x = made;
      else made.dispose();
    }
    if (x === undefined) throw new Error('could not place an input of over half the heap without growing it');
    const y = tf.tidy(() => batchNormTrain(x, 1e-5));
    const out = y.dataSync() as Float32Array;
    assert.ok(heap().byteLength > bytesBefore, `heap did not grow (${bytesBefore} bytes)`);
    const mean = new Float64Array(c);
    const sq = new Float64Array(c);
    for (let i = 0; i < values.length; i++) {
      mean[i % c] += (values[i] as number) / rows;
      sq[i % c] += (values[i] as number) ** 2 / rows;
    }
    let worst = 0;
    for (let i = 0; i < values.length; i += 9973) {
      const j = i % c;
      const expected = ((values[i] as number) - (mean[j] as number)) / Math.sqrt((sq[j] as number) - (mean[j] as number) ** 2 + 1e-5);
      worst = Math.max(worst, Math.abs((out[i] as number) - expected));
    }
    assert.ok(worst < 1e-4, `max abs error ${worst}`);
    tf.dispose([x, y]);
  });
});
