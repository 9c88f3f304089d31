import * as tf from '@tensorflow/tfjs-core';

/**
 * ShuffleNetV2's channel split as SPOS writes it: returns (even channels, odd channels) of an
 * NHWC tensor. Assumes an even channel count (throws RangeError otherwise). Call inside tf.tidy.
 *
 * Computed as one 2-D transpose of `[N*H*W*C/2, 2]` (channel pairs) to `[2, N*H*W*C/2]`, whose two
 * rows are the halves, cut by two contiguous slices. Its gradient is a transpose and pads. On
 * wasm a 5-D slice (or a gather) picking every other channel copies element by element; with
 * `--profile`, bench/compute prints what the split costs per step now.
 */
export function channelShuffle(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [b, h, w, c] = x.shape;
  if (c % 2 !== 0) throw new RangeError(`channelShuffle needs an even channel count, got ${c}`);
  const half = (b * h * w * c) / 2;
  const rows = tf.transpose(tf.reshape(x, [half, 2]));
  const even = tf.reshape(tf.slice(rows, [0, 0], [1, half]), [b, h, w, c / 2]) as tf.Tensor4D;
  const odd = tf.reshape(tf.slice(rows, [1, 0], [1, half]), [b, h, w, c / 2]) as tf.Tensor4D;
  return [even, odd];
}
