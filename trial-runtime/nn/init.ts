import * as tf from '@tensorflow/tfjs-core';

/**
 * How a weight is initialised. `seed` makes the draw reproducible (tfjs' seeded generator);
 * supernets derive one seed per weight from their own seeded Rng.
 */
export type WeightInit =
  | { kind: 'normal'; std: number; seed?: number }
  | { kind: 'constant'; value: number };

/**
 * Creates the initial tensor of a weight. Called from `createWeights()` only; the caller owns the
 * returned tensor. Throws RangeError for a non-finite or negative std.
 */
export function initTensor(shape: number[], init: WeightInit): tf.Tensor {
  if (init.kind === 'constant') return tf.fill(shape, init.value);
  if (!Number.isFinite(init.std) || init.std < 0) {
    throw new RangeError(`weight init std must be a finite number >= 0, got ${init.std}`);
  }
  return tf.randomNormal(shape, 0, init.std, 'float32', init.seed);
}
