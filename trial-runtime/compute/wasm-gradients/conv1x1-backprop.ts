import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvGeometry } from './conv-geometry';

/**
 * True for a pointwise convolution the matMul gradients below handle: 1x1 filter, stride 1, no
 * padding (a 1x1 conv on NHWC data is a matMul of [N*H*W, Ci] by [Ci, Co]). Pure.
 */
export function isPointwise(g: ConvGeometry): boolean {
  const { pad } = g;
  return (
    g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    pad.top === 0 && pad.bottom === 0 && pad.left === 0 && pad.right === 0
  );
}

/**
 * dL/dx of a pointwise conv: `dY[M, Co] x W^T[Co, Ci]`, reshaped to [N, H, W, Ci]. The transpose
 * of the small filter is an explicit op: on wasm a plain matMul after it was 1.3-3x faster than
 * the im2col-free conv composite, and 2-8x faster than matMul with `transposeB` (bench shapes of
 * spos-sn, one-off timings in the same process). Called by the Conv2DBackpropInput kernel when
 * {@link isPointwise}; assumes NHWC. Returns a new tensor.
 */
export function conv1x1BackpropInput(tf: TfCore, dy: Tensor4D, filter: Tensor4D, g: ConvGeometry): Tensor4D {
  return tf.tidy(() => {
    const [, , ci, co] = filter.shape;
    const m = g.batch * g.inHeight * g.inWidth;
    const wt = tf.transpose(tf.reshape(filter, [ci, co]));
    return tf.reshape(tf.matMul(tf.reshape(dy, [m, co]), wt), [g.batch, g.inHeight, g.inWidth, ci]);
  });
}

/**
 * dL/dW of a pointwise conv: `X^T[Ci, M] x dY[M, Co]`, reshaped to [1, 1, Ci, Co]. X is
 * transposed by an explicit 2-D transpose (matMul with `transposeA` was 1.5-7x slower on wasm).
 * Called by the Conv2DBackpropFilter kernel when {@link isPointwise}; assumes NHWC. Returns a new
 * tensor.
 */
export function conv1x1BackpropFilter(tf: TfCore, x: Tensor4D, dy: Tensor4D): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = x.shape;
    const co = dy.shape[3];
    const m = n * h * w;
    const xt = tf.transpose(tf.reshape(x, [m, ci]));
    return tf.reshape(tf.matMul(xt, tf.reshape(dy, [m, co])), [1, 1, ci, co]);
  });
}
