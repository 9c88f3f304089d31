import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerCoreGradients } from '../../../trial-runtime/compute/core-gradients';

/** Test helper: plain JS CPU backend with tfjs-core's gradients registered. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  await registerCoreGradients(tf);
}

/** Max |a - b| over two tensors (test helper; disposes nothing it was given). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}
