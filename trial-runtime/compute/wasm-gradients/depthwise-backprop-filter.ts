import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import { explicitPad, filterGradPadding, splitPadding, type ConvGeometry } from './conv-geometry';
import { cropSpatial } from './spatial-ops';

/**
 * dL/dW of a depthwise convolution through the backend's depthwise conv: batch and channels are
 * folded together, the input becomes one image [1, H, W, N*C] and the output gradient a depthwise
 * filter [outH, outW, N*C, m]; a stride-1 depthwise correlation dilated by the forward stride yields
 * [1, kh, kw, N*C*m], summed over N to [kh, kw, C, m]. Called by the
 * DepthwiseConv2dNativeBackpropFilter kernel. Assumes NHWC, dilation 1. Returns a new tensor.
 */
export function depthwiseBackpropFilterFast(
  tf: TfCore,
  x: Tensor4D,
  dy: Tensor4D,
  g: ConvGeometry,
  multiplier: number,
): Tensor4D {
  return tf.tidy(() => {
    const { crop, pad } = splitPadding(filterGradPadding(g));
    const xs = cropSpatial(tf, x, crop);
    const [n, h, w, c] = xs.shape;
    const image = tf.reshape(tf.transpose(xs, [1, 2, 0, 3]), [1, h, w, n * c]);
    const [, oh, ow] = dy.shape;
    const kernel = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [oh, ow, n * c, multiplier]);
    const out = tf.depthwiseConv2d(image as Tensor4D, kernel as Tensor4D, 1, explicitPad(pad), 'NHWC', [
      g.strideHeight,
      g.strideWidth,
    ]);
    const summed = tf.sum(tf.reshape(out, [g.filterHeight, g.filterWidth, n, c * multiplier]), 2);
    return tf.reshape(summed, [g.filterHeight, g.filterWidth, c, multiplier]);
  });
}
