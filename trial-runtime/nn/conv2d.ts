import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module';
import { initTensor, type WeightInit } from './init';

/** Configuration of a {@link Conv2d} (NHWC tensors, PyTorch-style explicit symmetric padding). */
export interface Conv2dConfig {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride?: number;
  /** Zero padding on each side; default kernelSize // 2. */
  padding?: number;
  /** Channel groups: 1 = dense, inChannels = depthwise (needs outChannels == inChannels). */
  groups?: number;
  /** Add a bias (leave false when a BatchNorm follows). */
  bias?: boolean;
  /** Weight init; default normal with std sqrt(2 / (k*k*outChannels)) (He, fan-out). */
  init?: WeightInit;
}

/** Which part of a dense (groups = 1) kernel a weight-sharing supernet uses. */
export interface ConvSlice {
  /** Use the first `inChannels` input channels. */
  inChannels: number;
  /** Use the first `outChannels` output channels. */
  outChannels: number;
  /** Block-diagonal grouped view of that prefix (group j uses rows/cols j*(c/g)..); default 1. */
  groups?: number;
}

/**
 * 2-D convolution. Weight layout: dense `[k, k, in, out]`; depthwise `[k, k, in, 1]`; other
 * group counts `[k, k, in/groups, out]` (computed as one conv per group on channel slices).
 * Throws RangeError from the constructor for an inconsistent config.
 */
export class Conv2d extends Module {
  readonly config: Required<Omit<Conv2dConfig, 'init'>> & { init: WeightInit };
  private weight?: tf.Variable;
  private biasVar?: tf.Variable;

  constructor(path: string, config: Conv2dConfig) {
    super(path);
    const k = config.kernelSize;
    const groups = config.groups ?? 1;
    for (const [name, v] of [['inChannels', config.inChannels], ['outChannels', config.outChannels], ['kernelSize', k], ['groups', groups], ['stride', config.stride ?? 1]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`Conv2d '${path}': ${name} must be a positive integer, got ${v}`);
    }
    if (config.inChannels % groups !== 0 || config.outChannels % groups !== 0) {
      throw new RangeError(`Conv2d '${path}': groups=${groups} must divide inChannels=${config.inChannels} and outChannels=${config.outChannels}`);
    }
    if (groups === config.inChannels && groups > 1 && config.outChannels !== config.inChannels) {
      throw new RangeError(`Conv2d '${path}': depthwise conv (groups == inChannels) needs outChannels == inChannels, got ${config.outChannels}`);
    }
    this.config = {
      inChannels: config.inChannels,
      outChannels: config.outChannels,
      kernelSize: k,
      stride: config.stride ?? 1,
      padding: config.padding ?? Math.floor(k / 2),
      groups,
      bias: config.bias ?? false,
      init: config.init ?? { kind: 'normal', std: Math.sqrt(2 / (k * k * config.outChannels)) },
    };
  }

  /** True when the conv is depthwise (one filter per input channel). */
  get depthwise(): boolean {
    return this.config.groups > 1 && this.config.groups === this.config.inChannels;
  }

  protected override createWeights(scope: string): void {
    const { kernelSize: k, inChannels, outChannels, groups } = this.config;
    const shape = this.depthwise ? [k, k, inChannels, 1] : [k, k, inChannels / groups, outChannels];
    this.weight = this.addWeight(scope, 'weight', initTensor(shape, this.config.init), true);
    if (this.config.bias) this.biasVar = this.addWeight(scope, 'bias', tf.zeros([outChannels]), true);
  }

  /** The kernel variable and the bias (if any), e.g. to fold a following BatchNorm into them. Throws before build. */
  parameters(): { weight: tf.Variable; bias: tf.Variable | undefined } {
    this.assertBuilt();
    return { weight: this.weight as tf.Variable, bias: this.biasVar };
  }

  /** Full convolution of an NHWC input with `inChannels` channels. Call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    this.assertBuilt();
    const w = this.weight as tf.Variable;
    const { stride: s, padding: p, groups, inChannels, outChannels } = this.config;
    let y: tf.Tensor4D;
    if (this.depthwise) {
      y = tf.depthwiseConv2d(x, w as tf.Tensor4D, [s, s], p);
    } else if (groups === 1) {
      y = tf.conv2d(x, w as tf.Tensor4D, [s, s], p);
    } else {
      const ci = inChannels / groups;
      const co = outChannels / groups;
      const parts: tf.Tensor4D[] = [];
      for (let j = 0; j < groups; j++) {
        const xs = tf.slice(x, [0, 0, 0, j * ci], [-1, -1, -1, ci]);
        const ws = tf.slice(w, [0, 0, 0, j * co], [-1, -1, -1, co]) as tf.Tensor4D;
        parts.push(tf.conv2d(xs, ws, [s, s], p));
      }
      y = tf.concat(parts, 3);
    }
    return this.biasVar ? tf.add(y, this.biasVar) : y;
  }

  /**
   * Convolution with a prefix of a dense kernel (ordinal channel sharing): the first
   * `slice.inChannels` inputs and `slice.outChannels` outputs, optionally as a block-diagonal
   * grouped conv of that prefix. Assumes `x` has exactly `slice.inChannels` channels. Throws
   * RangeError when the layer is not dense or the slice does not fit.
   */
  applySliced(x: tf.Tensor4D, slice: ConvSlice): tf.Tensor4D {
    this.assertBuilt();
    const { stride: s, padding: p, inChannels, outChannels } = this.config;
    const g = slice.groups ?? 1;
    if (this.config.groups !== 1) throw new RangeError(`Conv2d '${this.path}': applySliced needs a dense (groups=1) kernel`);
    if (slice.inChannels > inChannels || slice.outChannels > outChannels || slice.inChannels % g !== 0 || slice.outChannels % g !== 0) {
      throw new RangeError(`Conv2d '${this.path}': slice in=${slice.inChannels} out=${slice.outChannels} groups=${g} does not fit ${inChannels}->${outChannels}`);
    }
    const w = this.weight as tf.Variable;
    const ci = slice.inChannels / g;
    const co = slice.outChannels / g;
    const parts: tf.Tensor4D[] = [];
    for (let j = 0; j < g; j++) {
      const xs = g === 1 ? x : tf.slice(x, [0, 0, 0, j * ci], [-1, -1, -1, ci]);
      const ws = tf.slice(w, [0, 0, j * ci, j * co], [-1, -1, ci, co]) as tf.Tensor4D;
      parts.push(tf.conv2d(xs, ws, [s, s], p));
    }
    const y = g === 1 ? (parts[0] as tf.Tensor4D) : tf.concat(parts, 3);
    return this.biasVar ? tf.add(y, tf.slice(this.biasVar, [0], [slice.outChannels])) : y;
  }
}
