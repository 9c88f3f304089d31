import * as tf from '@tensorflow/tfjs-core';

/**
 * Softmax cross-entropy with label smoothing, mean over the batch (SPOS's
 * `CrossEntropyLabelSmooth`): targets `(1 − ε)·onehot + ε/K`, loss `−Σ target·log_softmax`.
 * `labels` are integer class ids `[batch]`. Call inside tf.tidy / a gradient function. Throws
 * RangeError for ε outside [0, 1).
 */
export function smoothedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, epsilon = 0): tf.Scalar {
  if (!(epsilon >= 0 && epsilon < 1)) throw new RangeError(`label smoothing must be in [0, 1), got ${epsilon}`);
  const k = logits.shape[1];
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), k);
  const target = epsilon === 0 ? oneHot : tf.add(tf.mul(oneHot, 1 - epsilon), epsilon / k);
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as tf.Scalar;
}

/** Number of rows whose arg-max equals the label (synchronous download of one number). */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')).dataSync()[0] as number);
}
