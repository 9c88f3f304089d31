/**
 * Timing helpers for the compute benchmark: ms per step of forward, inference and training passes,
 * per-kernel time of one step from tf.profile, and GFLOP/s of single kernels.
 */
import type { Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../trial-runtime/compute/tf-core';
import { crossEntropy, type BenchNet } from './nets';

/** A batch of seeded inputs and labels. */
export interface Batch {
  x: Tensor4D;
  y: Tensor1D;
}

/**
 * What one timed step does: `forward` = training-mode forward without gradients (BN with batch
 * statistics), `infer` = inference forward (running statistics, fused kernels where the net has
 * them), `infer-plain` = inference without fused kernels, `train` = one SGD step.
 */
export type BenchMode = 'forward' | 'infer' | 'infer-plain' | 'train';

/** Makes a batch of `n` 32x32x3 images with values in [0, 1) and labels in [0, 10). */
export function makeBatch(tf: TfCore, n: number): Batch {
  const xs = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < xs.length; i++) xs[i] = ((i * 2654435761) >>> 0) / 4294967296;
  const ys = Array.from({ length: n }, (_, i) => i % 10);
  return { x: tf.tensor4d(xs, [n, 32, 32, 3]), y: tf.tensor1d(ys, 'float32') };
}

/** One step of `mode` (reads the output back, disposes what it made) and a dispose for its optimizer. */
export function makeStep(tf: TfCore, net: BenchNet, batch: Batch, mode: BenchMode): { step: () => void; dispose: () => void } {
  if (mode === 'train') {
    const opt = tf.train.sgd(0.01);
    const step = (): void => {
      const loss = opt.minimize(() => crossEntropy(tf, net.forward(batch.x), batch.y), true, net.variables);
      loss?.dataSync();
      loss?.dispose();
    };
    return { step, dispose: () => opt.dispose() };
  }
  const fwd = mode === 'forward' ? net.forward : mode === 'infer' ? (net.infer ?? net.forward) : (net.inferPlain ?? net.infer ?? net.forward);
  const step = (): void => {
    const out = tf.tidy(() => fwd(batch.x));
    out.dataSync();
    out.dispose();
  };
  return { step, dispose: () => undefined };
}

/** Median ms of `steps` steps of `mode` after one warm-up step. */
export function timeMode(tf: TfCore, net: BenchNet, batch: Batch, mode: BenchMode, steps: number): number {
  const { step, dispose } = makeStep(tf, net, batch, mode);
  const ms = medianMs(step, steps);
  dispose();
  return ms;
}

/** Median ms of `steps` calls of `fn`, after one warm-up call. */
export function medianMs(fn: () => void, steps: number): number {
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

/** One kernel's share of a profiled step. */
export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Profiles one step of `mode` and sums kernel time by kernel name, largest first. Times of nasctl's
 * composite kernels include the kernels they run inside (those are listed too).
 */
export async function profileStep(tf: TfCore, net: BenchNet, batch: Batch, mode: BenchMode): Promise<KernelTime[]> {
  const { step, dispose } = makeStep(tf, net, batch, mode);
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

/** A single-kernel shape timed on both sides (reference.py `kernels` mirrors these names). */
export interface KernelShape {
  name: string;
  /** Floating-point operations of one call (2 per multiply-add). */
  flop: number;
  /** Builds the inputs and returns a call that runs the kernel once (call inside tidy). */
  make(tf: TfCore): { inputs: Tensor[]; run: () => Tensor };
}

const rand = (tf: TfCore, shape: number[]): Tensor => tf.randomUniform(shape, -1, 1, 'float32', 7);

/** The kernel shapes of the GFLOP/s table: a big matMul and convs of the two bench nets. */
export const KERNEL_SHAPES: readonly KernelShape[] = [
  { name: 'matmul 1024^3', flop: 2 * 1024 ** 3, make: (tf) => { const a = rand(tf, [1024, 1024]); const b = rand(tf, [1024, 1024]); return { inputs: [a, b], run: () => tf.matMul(a as never, b as never) }; } },
  { name: 'conv3x3 64x16x16x32->64', flop: 2 * 64 * 16 * 16 * 64 * 9 * 32, make: (tf) => { const x = rand(tf, [64, 16, 16, 32]); const w = rand(tf, [3, 3, 32, 64]); return { inputs: [x, w], run: () => tf.conv2d(x as Tensor4D, w as Tensor4D, 1, 'same') }; } },
  { name: 'conv1x1 64x8x8x64->64', flop: 2 * 64 * 8 * 8 * 64 * 64, make: (tf) => { const x = rand(tf, [64, 8, 8, 64]); const w = rand(tf, [1, 1, 64, 64]); return { inputs: [x, w], run: () => tf.conv2d(x as Tensor4D, w as Tensor4D, 1, 'valid') }; } },
  { name: 'dw7x7 64x8x8x32', flop: 2 * 64 * 8 * 8 * 32 * 49, make: (tf) => { const x = rand(tf, [64, 8, 8, 32]); const w = rand(tf, [7, 7, 32, 1]); return { inputs: [x, w], run: () => tf.depthwiseConv2d(x as Tensor4D, w as Tensor4D, 1, 'same') }; } },
  ...depthwiseGradShapes(7, [64, 8, 8, 32]),
  ...depthwiseGradShapes(3, [64, 16, 16, 16]),
];

/**
 * The depthwise gradients of SPOS's layers (`spos-sn`): filter (dW) and input (dX) gradient of a
 * k x k depthwise conv (multiplier 1, padding k // 2) at stride 1 and 2, run through the registered
 * kernels. FLOPs count every tap of the forward conv (2 x N x outH x outW x C x k^2), as for PyTorch.
 */
function depthwiseGradShapes(k: number, x: [number, number, number, number]): KernelShape[] {
  const [n, h, w, c] = x;
  const out: KernelShape[] = [];
  for (const s of [1, 2]) {
    const oh = Math.ceil(h / s);
    const ow = Math.ceil(w / s);
    const attrs = { strides: [s, s], pad: Math.floor(k / 2), dilations: 1 };
    const flop = 2 * n * oh * ow * c * k * k;
    const tag = `${k}x${k}`;
    const shape = `s${s} ${x.join('x')}`;
    out.push({
      name: `dw${tag} dW ${shape}`, flop,
      make: (tf) => {
        const xs = rand(tf, x);
        const dy = rand(tf, [n, oh, ow, c]);
        return { inputs: [xs, dy], run: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xs, dy }, { ...attrs, filterShape: [k, k, c, 1] } as never) as Tensor };
      },
    });
    out.push({
      name: `dw${tag} dX ${shape}`, flop,
      make: (tf) => {
        const dy = rand(tf, [n, oh, ow, c]);
        const filter = rand(tf, [k, k, c, 1]);
        return { inputs: [dy, filter], run: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: x } as never) as Tensor };
      },
    });
  }
  return out;
}

/** Median ms of one call of each kernel shape (the result read back each time). */
export function timeKernels(tf: TfCore, steps: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of KERNEL_SHAPES) {
    const { inputs, run } = k.make(tf);
    const ms = medianMs(() => {
      const y = tf.tidy(run);
      y.dataSync();
      y.dispose();
    }, steps);
    tf.dispose(inputs);
    out.set(k.name, ms);
  }
  return out;
}
