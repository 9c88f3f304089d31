import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { convOutputSize } from '../../nn/conv-cost';
import { ConvBnPair } from '../../nn/conv-bn-pair';
import type { ArchCost } from '../supernet';

/**
 * Cream's building blocks (timm's MobileNetV3 / EfficientNet blocks as `Cream:lib/models/blocks`
 * uses them): inverted residual with SE, depthwise-separable, conv-BN-act. Each block reports its
 * cost in Cream's `FlopsEst` convention (ptflops hooks, see {@link flopsEstConv}).
 */

/** Cost of one block at its input size, plus its output size. */
export type BlockCost = ArchCost & { h: number; w: number };

/**
 * timm's `make_divisible(v, divisor=8)`: the nearest multiple of `divisor` (at least `divisor`),
 * bumped by one divisor when rounding lost more than 10 %. Pure.
 */
export function makeDivisible(v: number, divisor = 8): number {
  let out = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** Swish `x·sigmoid(x)` (Cream's `act_layer`). Call inside tf.tidy. */
export function swish<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/** timm's `hard_sigmoid`: `relu6(x + 3) / 6` (the SE gate). Call inside tf.tidy. */
export function hardSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

/**
 * ptflops' count for a conv (what Cream's `FlopsEst` sums): MACs `k²·(in/g)·out·h'·w'`, plus
 * `out·h'·w'` for a bias. Params: weights (+ bias). Pure.
 */
export function flopsEstConv(c: Conv2d['config'], hOut: number, wOut: number): ArchCost {
  const perPos = c.kernelSize * c.kernelSize * (c.inChannels / c.groups) * c.outChannels;
  const bias = c.bias ? c.outChannels : 0;
  return { flops: (perPos + bias) * hOut * wOut, params: perPos + bias };
}

/** ptflops' count for an affine BatchNorm over `c` channels of `h×w`: 2 per element, 2c params. */
export function flopsEstBn(c: number, h: number, w: number): ArchCost {
  return { flops: 2 * c * h * w, params: 2 * c };
}

function add(a: ArchCost, ...more: ArchCost[]): ArchCost {
  for (const m of more) {
    a.flops += m.flops;
    a.params += m.params;
  }
  return a;
}

/** He (fan-out) normal init as timm's `_init_weight_goog`: std = sqrt(2 / (k²·out/groups)). */
function heFanOut(k: number, out: number, groups: number, seed: number): { kind: 'normal'; std: number; seed: number } {
  return { kind: 'normal', std: Math.sqrt(2 / ((k * k * out) / groups)), seed };
}

/** A conv with He fan-out init (bias optional), the only conv flavour Cream's blocks use. */
function conv(path: string, inC: number, outC: number, k: number, stride: number, depthwise: boolean, bias: boolean, seed: number): Conv2d {
  const groups = depthwise ? inC : 1;
  return new Conv2d(path, { inChannels: inC, outChannels: outC, kernelSize: k, stride, groups, bias, init: heFanOut(k, outC, groups, seed) });
}

/**
 * Squeeze-excite of Cream's blocks: global average pool, 1×1 conv (bias) to `reduced`, ReLU, 1×1
 * conv (bias) back, hard-sigmoid gate. `reduced = make_divisible(0.25·channels, 8)`
 * (`reduce_mid=True`, divisor 8).
 */
export class CreamSqueezeExcite extends Module {
  readonly reduced: number;
  private readonly reduce: Conv2d;
  private readonly expand: Conv2d;

  constructor(path: string, readonly channels: number, seeds: () => number) {
    super(path);
    this.reduced = makeDivisible(0.25 * channels, 8);
    this.reduce = this.register(conv(childPath(path, 'conv_reduce'), channels, this.reduced, 1, 1, false, true, seeds()));
    this.expand = this.register(conv(childPath(path, 'conv_expand'), this.reduced, channels, 1, 1, false, true, seeds()));
  }

  /** Call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const s = tf.mean(x, [1, 2], true) as tf.Tensor4D;
    return tf.mul(x, hardSigmoid(this.expand.apply(tf.relu(this.reduce.apply(s)))));
  }

  /** ptflops: the pool module counts its input elements, the ReLU its outputs; convs at 1×1. */
  cost(h: number, w: number): ArchCost {
    return add({ flops: this.channels * h * w + this.reduced, params: 0 }, flopsEstConv(this.reduce.config, 1, 1), flopsEstConv(this.expand.config, 1, 1));
  }
}

/** Shape of one inverted-residual choice. */
export interface InvertedResidualConfig {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  expansion: number;
  stride: number;
}

/**
 * MobileNetV3 inverted residual with SE (Cream's searchable op): 1×1 expand to
 * `mid = make_divisible(in·e)` + BN + Swish; k×k depthwise (stride) + BN + Swish; SE; 1×1 project
 * + BN; residual iff stride 1 and in == out. Throws RangeError for bad channel counts.
 */
export class InvertedResidual extends Module {
  readonly mid: number;
  readonly residual: boolean;
  private readonly pw: Conv2d;
  private readonly bn1: BatchNorm;
  private readonly dw: Conv2d;
  private readonly bn2: BatchNorm;
  private readonly se: CreamSqueezeExcite;
  private readonly pwl: Conv2d;
  private readonly bn3: BatchNorm;
  /** The three conv + BN (+ Swish) pairs with their eval fast path ({@link ConvBnPair}). */
  private readonly pairs: { pw: ConvBnPair; dw: ConvBnPair; pwl: ConvBnPair };

  constructor(path: string, readonly config: InvertedResidualConfig, seeds: () => number) {
    super(path);
    const { inChannels: i, outChannels: o, kernelSize: k, expansion: e, stride: s } = config;
    this.mid = makeDivisible(i * e);
    this.residual = s === 1 && i === o;
    this.pw = this.register(conv(childPath(path, 'conv_pw'), i, this.mid, 1, 1, false, false, seeds()));
    this.bn1 = this.register(new BatchNorm(childPath(path, 'bn1'), { channels: this.mid }));
    this.dw = this.register(conv(childPath(path, 'conv_dw'), this.mid, this.mid, k, s, true, false, seeds()));
    this.bn2 = this.register(new BatchNorm(childPath(path, 'bn2'), { channels: this.mid }));
    this.se = this.register(new CreamSqueezeExcite(childPath(path, 'se'), this.mid, seeds));
    this.pwl = this.register(conv(childPath(path, 'conv_pwl'), this.mid, o, 1, 1, false, false, seeds()));
    this.bn3 = this.register(new BatchNorm(childPath(path, 'bn3'), { channels: o }));
    this.pairs = { pw: new ConvBnPair(this.pw, this.bn1, swish), dw: new ConvBnPair(this.dw, this.bn2, swish), pwl: new ConvBnPair(this.pwl, this.bn3) };
  }

  /** `fuse` (eval mode only) folds each BN into its conv (Swish after). Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    let y = this.pairs.pw.apply(x, training, fuse);
    y = this.pairs.dw.apply(y, training, fuse);
    y = this.pairs.pwl.apply(this.se.apply(y), training, fuse);
    return this.residual ? tf.add(y, x) : y;
  }

  protected override releaseCaches(): void {
    for (const p of Object.values(this.pairs)) p.release();
  }

  /** FlopsEst cost at input `h×w` (Swish and the residual add are not counted by ptflops). */
  cost(h: number, w: number): BlockCost {
    const { kernelSize: k, stride: s, outChannels: o } = this.config;
    const ho = convOutputSize(h, k, s, Math.floor(k / 2));
    const wo = convOutputSize(w, k, s, Math.floor(k / 2));
    const c = add(
      flopsEstConv(this.pw.config, h, w), flopsEstBn(this.mid, h, w),
      flopsEstConv(this.dw.config, ho, wo), flopsEstBn(this.mid, ho, wo),
      this.se.cost(ho, wo),
      flopsEstConv(this.pwl.config, ho, wo), flopsEstBn(o, ho, wo),
    );
    return { ...c, h: ho, w: wo };
  }
}

/**
 * Depthwise-separable block (Cream's fixed stage 0, `ds_r1_k3_s1_e1_c16_se0.25`): k×k depthwise +
 * BN + Swish; SE on the input width; 1×1 pointwise + BN (no activation); residual iff stride 1
 * and in == out.
 */
export class DepthwiseSeparable extends Module {
  readonly residual: boolean;
  private readonly dw: Conv2d;
  private readonly bn1: BatchNorm;
  private readonly se: CreamSqueezeExcite;
  private readonly pw: Conv2d;
  private readonly bn2: BatchNorm;
  /** The two conv + BN (+ Swish) pairs with their eval fast path ({@link ConvBnPair}). */
  private readonly pairs: { dw: ConvBnPair; pw: ConvBnPair };

  constructor(path: string, readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly stride: number, seeds: () => number) {
    super(path);
    this.residual = stride === 1 && inChannels === outChannels;
    this.dw = this.register(conv(childPath(path, 'conv_dw'), inChannels, inChannels, kernelSize, stride, true, false, seeds()));
    this.bn1 = this.register(new BatchNorm(childPath(path, 'bn1'), { channels: inChannels }));
    this.se = this.register(new CreamSqueezeExcite(childPath(path, 'se'), inChannels, seeds));
    this.pw = this.register(conv(childPath(path, 'conv_pw'), inChannels, outChannels, 1, 1, false, false, seeds()));
    this.bn2 = this.register(new BatchNorm(childPath(path, 'bn2'), { channels: outChannels }));
    this.pairs = { dw: new ConvBnPair(this.dw, this.bn1, swish), pw: new ConvBnPair(this.pw, this.bn2) };
  }

  /** `fuse` (eval mode only) folds each BN into its conv (Swish after). Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    const y = this.pairs.pw.apply(this.se.apply(this.pairs.dw.apply(x, training, fuse)), training, fuse);
    return this.residual ? tf.add(y, x) : y;
  }

  protected override releaseCaches(): void {
    this.pairs.dw.release();
    this.pairs.pw.release();
  }

  /** FlopsEst cost at input `h×w`. */
  cost(h: number, w: number): BlockCost {
    const p = Math.floor(this.kernelSize / 2);
    const ho = convOutputSize(h, this.kernelSize, this.stride, p);
    const wo = convOutputSize(w, this.kernelSize, this.stride, p);
    const c = add(
      flopsEstConv(this.dw.config, ho, wo), flopsEstBn(this.inChannels, ho, wo), this.se.cost(ho, wo),
      flopsEstConv(this.pw.config, ho, wo), flopsEstBn(this.outChannels, ho, wo),
    );
    return { ...c, h: ho, w: wo };
  }
}

/** Conv k×k + BN + Swish (Cream's fixed stage 6, `cn_r1_k1_s1_c320`). */
export class ConvBnAct extends Module {
  private readonly conv: Conv2d;
  private readonly bn: BatchNorm;
  private readonly pair: ConvBnPair;

  constructor(path: string, inChannels: number, readonly outChannels: number, kernelSize: number, seeds: () => number) {
    super(path);
    this.conv = this.register(conv(childPath(path, 'conv'), inChannels, outChannels, kernelSize, 1, false, false, seeds()));
    this.bn = this.register(new BatchNorm(childPath(path, 'bn1'), { channels: outChannels }));
    this.pair = new ConvBnPair(this.conv, this.bn, swish);
  }

  /** `fuse` (eval mode only) folds the BN into the conv (Swish after). Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return this.pair.apply(x, training, fuse);
  }

  protected override releaseCaches(): void {
    this.pair.release();
  }

  /** FlopsEst cost at input `h×w` (stride 1, same padding). */
  cost(h: number, w: number): BlockCost {
    return { ...add(flopsEstConv(this.conv.config, h, w), flopsEstBn(this.outChannels, h, w)), h, w };
  }
}
