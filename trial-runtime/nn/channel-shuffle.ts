import * as tf from '@tensorflow/tfjs-core';

/**
 * ShuffleNetV2's channel split as SPOS writes it: returns (even channels, odd channels) of an
 * NHWC tensor. Assumes an even channel count (throws RangeError otherwise). Call inside tf.tidy.
 */
export function channelShuffle(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [b, h, w, c] = x.shape;
  if (c % 2 !== 0) throw new RangeError(`channelShuffle needs an even channel count, got ${c}`);
  const r = tf.reshape(x, [b, h, w, c / 2, 2]);
  const even = tf.reshape(tf.slice(r, [0, 0, 0, 0, 0], [-1, -1, -1, -1, 1]), [b, h, w, c / 2]) as tf.Tensor4D;
  const odd = tf.reshape(tf.slice(r, [0, 0, 0, 0, 1], [-1, -1, -1, -1, 1]), [b, h, w, c / 2]) as tf.Tensor4D;
  return [even, odd];
}
