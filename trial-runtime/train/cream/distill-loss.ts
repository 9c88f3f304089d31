import * as tf from '@tensorflow/tfjs-core';

/**
 * Cream's KD term (`cross_entropy_loss_with_soft_target`, temperature 1):
 * `mean_n Σ_c −teacherProbs[n,c] · log_softmax(student)[n,c]`. `teacherProbs` must carry no
 * gradient (callers pass a detached softmax). Call inside tf.tidy / a gradient closure.
 */
export function softTargetCrossEntropy(studentLogits: tf.Tensor2D, teacherProbs: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(teacherProbs, tf.logSoftmax(studentLogits)), 1))) as tf.Scalar;
}

/** Cream's loss after warm-up: `L = (ρ·KD + (2 − ρ)·CE_ls) / 2`. Call inside tf.tidy. */
export function creamLoss(kd: tf.Scalar, ce: tf.Scalar, rho: number): tf.Scalar {
  return tf.div(tf.add(tf.mul(kd, rho), tf.mul(ce, 2 - rho)), 2) as tf.Scalar;
}

/**
 * A copy of `t`'s values as a fresh tensor, with no tape history: no gradient can flow through
 * it (tfjs-core has no stop_gradient op). Synchronous download; call inside tf.tidy.
 */
export function detached<T extends tf.Tensor>(t: T): T {
  return tf.tensor(t.dataSync() as Float32Array, t.shape, 'float32') as T;
}

/** Row-wise softmax of the first `rows` rows of `logits`, downloaded (board soft labels). Synchronous. */
export function softmaxRows(logits: tf.Tensor2D, rows: number): Float32Array {
  return tf.tidy(() => tf.softmax(tf.slice(logits, [0, 0], [Math.min(rows, logits.shape[0]), -1])).dataSync() as Float32Array);
}

/** The first `rows` rows of `t`, downloaded (board soft labels from probabilities already computed). Synchronous. */
export function firstRows(t: tf.Tensor2D, rows: number): Float32Array {
  return tf.tidy(() => tf.slice(t, [0, 0], [Math.min(rows, t.shape[0]), -1]).dataSync() as Float32Array);
}
