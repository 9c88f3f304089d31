import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import { explicitPad, filterGradPadding, splitPadding, type ConvGeometry } from './conv-geometry';
import { cropSpatial, swapBatchAndChannels } from './spatial-ops';

/**
 * dL/dW of a 2-D convolution through the backend's fast forward conv, with batch and channels
 * swapped: the input becomes [Ci, H, W, N] (a "batch" of Ci images with N channels), the output
 * gradient becomes a filter [outH, outW, N, Co], and a stride-1 correlation dilated by the forward
 * stride yields [Ci, kh, kw, Co], transposed to [kh, kw, Ci, Co]. Work equals the forward conv's.
 * Called by the Conv2DBackpropFilter kernel. Assumes NHWC, dilation 1. Returns a new tensor.
 */
export function conv2dBackpropFilterFast(tf: TfCore, x: Tensor4D, dy: Tensor4D, g: ConvGeometry): Tensor4D {
  return tf.tidy(() => {
    const { crop, pad } = splitPadding(filterGradPadding(g));
    const xs = cropSpatial(tf, x, crop);
    const images = swapBatchAndChannels(tf, xs);
    const kernel = tf.transpose(dy, [1, 2, 0, 3]);
    const out = tf.conv2d(images, kernel, 1, explicitPad(pad), 'NHWC', [g.strideHeight, g.strideWidth]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}
