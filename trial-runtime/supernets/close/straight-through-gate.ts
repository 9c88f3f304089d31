import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';

/** Gumbel-softmax temperature of the released CLOSE gate (§3.2). */
export const GATE_TEMPERATURE = 5;

/** `n` standard Gumbel samples `-log(-log U)` from `rng`. Pure given the rng state. */
export function gumbelNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    out[i] = -Math.log(-Math.log(u));
  }
  return out;
}

/** Forward: one-hot of the row argmax of `soft`; backward: identity (straight-through). */
const hardOneHot = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const s = args[0] as tf.Tensor2D;
  const value = tf.cast(tf.oneHot(tf.argMax(s, 1) as tf.Tensor1D, s.shape[1]), 'float32') as tf.Tensor2D;
  return { value, gradFunc: (dy: tf.Tensor) => dy };
});

/**
 * The training gate of §3.2: `prob = softmax((logits + G) / tau)` with Gumbel noise G (given,
 * `[rows * cols]` row-major), returned as the straight-through hard one-hot (forward one-hot,
 * gradient of the soft probabilities). `logits` is `[positions, level]`. Call inside tf.tidy.
 */
export function straightThroughGumbel(logits: tf.Tensor2D, noise: Float32Array, tau = GATE_TEMPERATURE): tf.Tensor2D {
  const [rows, cols] = logits.shape;
  if (noise.length !== rows * cols) throw new RangeError(`Gumbel noise has ${noise.length} values for logits [${rows}, ${cols}]`);
  const soft = tf.softmax(tf.div(tf.add(logits, tf.tensor2d(noise, [rows, cols])), tau)) as tf.Tensor2D;
  return hardOneHot(soft) as tf.Tensor2D;
}

/** Evaluation gate: the argmax block of each row of raw logits `[rows * cols]` (no noise; ties: lowest). Pure. */
export function argmaxRows(values: ArrayLike<number>, rows: number, cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if ((values[r * cols + c] as number) > (values[r * cols + best] as number)) best = c;
    out.push(best);
  }
  return out;
}
