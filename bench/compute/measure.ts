/**
 * Timing helpers for the compute benchmark: ms per step of forward and training passes, and
 * per-kernel time of one training step from tf.profile.
 */
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../trial-runtime/compute/tf-core';
import { crossEntropy, type BenchNet } from './nets';

/** A batch of seeded inputs and labels. */
export interface Batch {
  x: Tensor4D;
  y: Tensor1D;
}

/** Makes a batch of `n` 32x32x3 images with values in [0, 1) and labels in [0, 10). */
export function makeBatch(tf: TfCore, n: number): Batch {
  const xs = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < xs.length; i++) xs[i] = ((i * 2654435761) >>> 0) / 4294967296;
  const ys = Array.from({ length: n }, (_, i) => i % 10);
  return { x: tf.tensor4d(xs, [n, 32, 32, 3]), y: tf.tensor1d(ys, 'float32') };
}

/** Median ms of `steps` forward passes (after one warm-up), reading the logits back each time. */
export function timeForward(tf: TfCore, net: BenchNet, batch: Batch, steps: number): number {
  const once = (): void => {
    const out = tf.tidy(() => net.forward(batch.x));
    out.dataSync();
    out.dispose();
  };
  return medianMs(once, steps);
}

/** One SGD training step (forward, backward, update) that reads the loss back; dispose the optimizer after. */
function sgdStep(tf: TfCore, net: BenchNet, batch: Batch): { step: () => void; dispose: () => void } {
  const opt = tf.train.sgd(0.01);
  const step = (): void => {
    const loss = opt.minimize(() => crossEntropy(tf, net.forward(batch.x), batch.y), true, net.variables);
    loss?.dataSync();
    loss?.dispose();
  };
  return { step, dispose: () => opt.dispose() };
}

/** Median ms of `steps` SGD training steps (forward, backward, update), reading the loss back. */
export function timeTrain(tf: TfCore, net: BenchNet, batch: Batch, steps: number): number {
  const { step, dispose } = sgdStep(tf, net, batch);
  const ms = medianMs(step, steps);
  dispose();
  return ms;
}

function medianMs(fn: () => void, steps: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** One kernel's share of a profiled training step. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Profiles one training step and sums kernel time by kernel name, largest first. Times of nasctl's
 * composite kernels include the kernels they run inside (those are listed too).
 */
export async function profileTrainStep(tf: TfCore, net: BenchNet, batch: Batch): Promise<KernelTime[]> {
  const { step, dispose } = sgdStep(tf, net, batch);
  step();
  const info = await tf.profile(step);
  dispose();
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}
