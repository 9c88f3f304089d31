import * as tf from '@tensorflow/tfjs-core';

/** Dropout active only in training; `rate` in [0, 1). Call inside tf.tidy. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, training: boolean, seed?: number): T {
  if (!training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, seed) as T;
}
