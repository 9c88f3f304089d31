import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvGeometry } from './conv-geometry';
import { inputGradSource } from './spatial-ops';

/**
 * dL/dx of a 2-D convolution through the backend's fast forward conv: the output gradient,
 * dilated by the stride and padded, correlated (stride 1) with the filter flipped in space and
 * with in/out channels swapped. Called by the Conv2DBackpropInput kernel inside the engine.
 * Assumes NHWC, dilation 1, `dy` of shape [N, outH, outW, Co], `filter` [kh, kw, Ci, Co].
 * Returns a new [N, H, W, Ci] tensor; intermediates are disposed.
 */
export function conv2dBackpropInputFast(tf: TfCore, dy: Tensor4D, filter: Tensor4D, g: ConvGeometry): Tensor4D {
  return tf.tidy(() => {
    const { src, pad } = inputGradSource(tf, dy, g);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(src, flipped as Tensor4D, 1, pad);
  });
}
