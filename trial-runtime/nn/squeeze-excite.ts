import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from './module';
import { Conv2d } from './conv2d';

/** Configuration of a {@link SqueezeExcite} block. */
export interface SqueezeExciteConfig {
  channels: number;
  /** Hidden width = max(1, round(channels / reduction)); default 4. */
  reduction?: number;
}

/** Squeeze-and-excitation: x * sigmoid(W2 relu(W1 gap(x))), both 1x1 convs with bias. */
export class SqueezeExcite extends Module {
  readonly hidden: number;
  private readonly reduce: Conv2d;
  private readonly expand: Conv2d;

  /** Throws RangeError for a bad channel count or reduction. */
  constructor(path: string, config: SqueezeExciteConfig) {
    super(path);
    const r = config.reduction ?? 4;
    if (!(r > 0)) throw new RangeError(`SqueezeExcite '${path}': reduction must be > 0, got ${r}`);
    this.hidden = Math.max(1, Math.round(config.channels / r));
    this.reduce = this.register(new Conv2d(childPath(path, 'reduce'), { inChannels: config.channels, outChannels: this.hidden, kernelSize: 1, bias: true }));
    this.expand = this.register(new Conv2d(childPath(path, 'expand'), { inChannels: this.hidden, outChannels: config.channels, kernelSize: 1, bias: true }));
  }

  /** Call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const s = tf.mean(x, [1, 2], true) as tf.Tensor4D;
    const gate = tf.sigmoid(this.expand.apply(tf.relu(this.reduce.apply(s))));
    return tf.mul(x, gate);
  }
}
