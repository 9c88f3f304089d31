import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvGeometry } from './conv-geometry';
import { inputGradSource } from './spatial-ops';

/**
 * dL/dx of a depthwise convolution through the backend's fast forward depthwise conv: the output
 * gradient, dilated by the stride and padded, correlated with the spatially flipped filter. With a
 * channel multiplier m > 1 the C*m gradient channels are correlated one by one and summed per input
 * channel. Called by the DepthwiseConv2dNativeBackpropInput kernel. Assumes NHWC, dilation 1,
 * `dy` [N, outH, outW, C*m], `filter` [kh, kw, C, m]. Returns a new [N, H, W, C] tensor.
 */
export function depthwiseBackpropInputFast(tf: TfCore, dy: Tensor4D, filter: Tensor4D, g: ConvGeometry): Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const { src, pad } = inputGradSource(tf, dy, g);
    const flipped = tf.reverse(filter, [0, 1]);
    if (m === 1) return tf.depthwiseConv2d(src, flipped, 1, pad);
    const perChannel = tf.reshape(flipped, [kh, kw, c * m, 1]);
    const y = tf.depthwiseConv2d(src, perChannel as Tensor4D, 1, pad);
    const [n, h, w] = y.shape;
    return tf.sum(tf.reshape(y, [n, h, w, c, m]), 4);
  });
}
