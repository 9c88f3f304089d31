import * as tf from '@tensorflow/tfjs-core';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from '../compute/wasm-gradients/batch-norm-kernels';

/** Receives the batch statistics of one training-mode normalisation (biased variance). */
export type BatchStatsSink = (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;

/**
 * Per-channel mean of an NHWC tensor over N, H, W, as `ones[1, NHW] x X[NHW, C] / NHW`: on wasm a
 * matMul was 3-6x faster than `tf.mean(x, [0, 1, 2])`, which first transposes C to the front
 * (one-off timings during development, not printed by a bench).
 * `ones` is the `[1, NHW]` row of ones, made once per op and shared by its four means.
 */
function channelMean(x: tf.Tensor, ones: tf.Tensor2D): tf.Tensor1D {
  const c = x.shape[3] as number;
  const m = x.size / c;
  return tf.reshape(tf.mul(tf.matMul(ones, tf.reshape(x, [m, c])), 1 / m), [c]);
}

/**
 * Training-mode batch normalisation of an NHWC tensor over N, H, W without scale or shift:
 * `y = (x - mean) / sqrt(var + eps)` with the batch's own mean and biased variance, as one op with
 * an analytic gradient, `dx = (dy - mean(dy) - y * mean(dy * y)) / sqrt(var + eps)` (six kernels,
 * against the twenty-odd that autodiff records through moments, sub, rsqrt and mul).
 *
 * `onStats` is called once during the forward pass with the batch mean and variance (for running
 * statistics or recalibration); the tensors are freed after it returns, so it must copy or
 * assign what it keeps. Call inside tf.tidy or a gradient function. Second-order gradients are not
 * supported.
 *
 * On the wasm backend with nasctl's kernels installed (compute/wasm-gradients/install.ts) the op
 * runs as two kernels that work in place on the wasm heap (two passes forward, two backward, sums in
 * float64); elsewhere as the tfjs ops below.
 */
export function batchNormTrain(x: tf.Tensor4D, eps: number, onStats?: BatchStatsSink): tf.Tensor4D {
  if (tf.getBackend() === 'wasm' && tf.getKernel(BN_TRAIN_KERNEL, 'wasm') !== undefined && tf.getKernel(BN_TRAIN_GRAD_KERNEL, 'wasm') !== undefined) {
    return batchNormTrainWasm(x, eps, onStats);
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const ones = tf.ones([1, input.size / (input.shape[3] as number)]) as tf.Tensor2D;
    const mean = channelMean(input, ones);
    const centered = tf.sub(input, mean);
    const variance = channelMean(tf.square(centered), ones);
    onStats?.(mean, variance);
    const inv = tf.rsqrt(tf.add(variance, eps));
    const y = tf.mul(centered, inv);
    save([y, inv, ones]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
        const [out, invStd, onesRow] = saved as [tf.Tensor, tf.Tensor, tf.Tensor2D];
        const meanDy = channelMean(dy, onesRow);
        const meanDyY = channelMean(tf.mul(dy, out), onesRow);
        return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(out, meanDyY)), invStd);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

/** The wasm path: the NasctlBatchNormTrain kernel forward, NasctlBatchNormTrainGrad backward. */
function batchNormTrainWasm(x: tf.Tensor4D, eps: number, onStats?: BatchStatsSink): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance, invStd] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x: input }, { eps }) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    onStats?.(mean, variance);
    save([y, invStd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
        const [out, inv] = saved as [tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BN_TRAIN_GRAD_KERNEL, { dy, y: out, invStd: inv }, {}) as tf.Tensor;
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
