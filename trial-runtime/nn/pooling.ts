import * as tf from '@tensorflow/tfjs-core';

/** Configuration of a 2-D pooling window (PyTorch semantics: explicit symmetric zero padding). */
export interface Pool2dConfig {
  kernelSize: number;
  stride?: number;
  padding?: number;
  /** Average pooling only: divide by the full window (true, PyTorch default) or only by the in-bounds part. */
  countIncludePad?: boolean;
}

function checkPool(kind: string, c: Pool2dConfig): Required<Pool2dConfig> {
  const full = { kernelSize: c.kernelSize, stride: c.stride ?? c.kernelSize, padding: c.padding ?? 0, countIncludePad: c.countIncludePad ?? true };
  if (!Number.isInteger(full.kernelSize) || full.kernelSize <= 0 || !Number.isInteger(full.stride) || full.stride <= 0) {
    throw new RangeError(`${kind}: kernelSize and stride must be positive integers, got ${full.kernelSize}, ${full.stride}`);
  }
  if (!Number.isInteger(full.padding) || full.padding < 0 || full.padding * 2 > full.kernelSize) {
    throw new RangeError(`${kind}: padding must be an integer in [0, kernelSize/2], got ${full.padding}`);
  }
  return full;
}

/**
 * Average pooling. The input is zero-padded explicitly and pooled 'valid', so forward and
 * gradient agree (tfjs' own 'same' avgPool excludes padding forward but not in its gradient).
 * With `countIncludePad: false` each output is rescaled by window/in-bounds count, which is
 * NB201's `avg_pool_3x3` (`count_include_pad=False`).
 */
export class AvgPool2d {
  readonly config: Required<Pool2dConfig>;

  /** Throws RangeError for a bad window. */
  constructor(config: Pool2dConfig) {
    this.config = checkPool('AvgPool2d', config);
  }

  /** Pools an NHWC tensor; call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { kernelSize: k, stride: s, padding: p, countIncludePad } = this.config;
    const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
    const y = tf.avgPool(padded, k, s, 'valid');
    if (countIncludePad || p === 0) return y;
    const [, h, w] = x.shape;
    const [, oh, ow] = y.shape;
    const scale = new Float32Array(oh * ow);
    for (let i = 0; i < oh; i++) {
      const rows = Math.min(i * s - p + k, h) - Math.max(i * s - p, 0);
      for (let j = 0; j < ow; j++) {
        const cols = Math.min(j * s - p + k, w) - Math.max(j * s - p, 0);
        scale[i * ow + j] = (k * k) / (rows * cols);
      }
    }
    return tf.mul(y, tf.tensor4d(scale, [1, oh, ow, 1]));
  }
}

/** Max pooling with explicit padding (padding never wins the max, as in PyTorch). */
export class MaxPool2d {
  readonly config: Required<Pool2dConfig>;

  /** Throws RangeError for a bad window. */
  constructor(config: Pool2dConfig) {
    this.config = checkPool('MaxPool2d', config);
  }

  /** Pools an NHWC tensor; call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const { kernelSize: k, stride: s, padding: p } = this.config;
    return tf.maxPool(x, k, s, p);
  }
}

/** Global average pooling NHWC -> NC. Call inside tf.tidy. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}
