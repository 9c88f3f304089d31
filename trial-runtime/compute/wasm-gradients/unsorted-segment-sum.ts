import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';

/**
 * Sums rows of `x` into `numSegments` segments: out[s] = sum of x[i] where segmentIds[i] = s.
 * wasm lacks the UnsortedSegmentSum kernel, which tfjs uses for the gradient of `gather`
 * (channel shuffle / channel selection in supernets). Computed with wasm's ScatterNd, which adds
 * rows that share an index, in one pass over x. Called by the UnsortedSegmentSum kernel.
 * Assumes int32 `segmentIds` of shape [x.shape[0]] with values in [0, numSegments) (others are
 * dropped, as in TensorFlow). Returns a new tensor of shape [numSegments, ...x.shape.slice(1)].
 */
export function unsortedSegmentSumFast(tf: TfCore, x: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  return tf.tidy(() => {
    const rows = x.shape[0] as number;
    const rest = x.shape.slice(1);
    const width = rest.reduce((a, b) => a * b, 1);
    const ids = tf.cast(tf.reshape(segmentIds, [rows]), 'int32');
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const safeIds = tf.where(valid, ids, tf.zerosLike(ids));
    const updates = tf.mul(tf.reshape(x, [rows, width]), tf.expandDims(tf.cast(valid, x.dtype), 1)) as Tensor2D;
    const summed = tf.scatterND(tf.reshape(safeIds, [rows, 1]), updates, [numSegments, width]);
    return tf.reshape(summed, [numSegments, ...rest]);
  });
}
