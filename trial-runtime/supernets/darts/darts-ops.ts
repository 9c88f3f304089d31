import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { initTensor } from '../../nn/init';
import { ConvBnPair } from '../../nn/conv-bn-pair';
import { FoldedConvBn } from '../../nn/folded-conv-bn';

/** He (fan-out) init of a k x k conv with `outC` outputs, seeded. */
const he = (k: number, outC: number, seed: number): { kind: 'normal'; std: number; seed: number } => ({ kind: 'normal', std: Math.sqrt(2 / (k * k * outC)), seed });

/**
 * DARTS `ReLUConvBN`: ReLU -> Conv k x k (stride, pad) -> BN(affine). Call apply inside tf.tidy;
 * `fuse` (eval mode only) runs conv + BN as one folded kernel ({@link ConvBnPair}).
 */
export class DartsReluConvBn extends Module {
  private readonly pair: ConvBnPair;
  constructor(path: string, inC: number, outC: number, k: number, stride: number, seed: number) {
    super(path);
    const conv = this.register(new Conv2d(childPath(path, 'conv'), { inChannels: inC, outChannels: outC, kernelSize: k, stride, init: he(k, outC, seed) }));
    this.pair = new ConvBnPair(conv, this.register(new BatchNorm(childPath(path, 'bn'), { channels: outC })));
  }
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return this.pair.apply(tf.relu(x), training, fuse);
  }
  protected override releaseCaches(): void {
    this.pair.release();
  }
}

/**
 * DARTS `FactorizedReduce`: ReLU, then two 1x1 stride-2 convs (outC/2 each) on x and on x shifted
 * by one pixel, concatenated, then BN. Needs even input sizes. Call apply inside tf.tidy. `fuse`
 * (eval mode only) folds the BN into the two convs, each over its half of the BN's channels.
 */
export class FactorizedReduce extends Module {
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly bn: BatchNorm;
  /** Eval fast path: conv1 with BN channels [0, outC/2), conv2 with [outC/2, outC); made on first use. */
  private folded: [FoldedConvBn, FoldedConvBn] | undefined;
  constructor(path: string, inC: number, outC: number, seeds: () => number) {
    super(path);
    if (outC % 2 !== 0) throw new RangeError(`FactorizedReduce '${path}': output channels must be even, got ${outC}`);
    this.conv1 = this.register(new Conv2d(childPath(path, 'conv_1'), { inChannels: inC, outChannels: outC / 2, kernelSize: 1, stride: 2, init: he(1, outC / 2, seeds()) }));
    this.conv2 = this.register(new Conv2d(childPath(path, 'conv_2'), { inChannels: inC, outChannels: outC / 2, kernelSize: 1, stride: 2, init: he(1, outC / 2, seeds()) }));
    this.bn = this.register(new BatchNorm(childPath(path, 'bn'), { channels: outC }));
  }
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    const r = tf.relu(x);
    const shifted = tf.pad(tf.slice(r, [0, 1, 1, 0], [-1, -1, -1, -1]), [
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ]) as tf.Tensor4D;
    if (fuse && !training) {
      const half = this.conv1.config.outChannels;
      this.folded ??= [new FoldedConvBn(this.conv1, this.bn, false, 0), new FoldedConvBn(this.conv2, this.bn, false, half)];
      return tf.concat([this.folded[0].apply(r), this.folded[1].apply(shifted)], 3);
    }
    return this.bn.apply(tf.concat([this.conv1.apply(r), this.conv2.apply(shifted)], 3), training);
  }
  protected override releaseCaches(): void {
    this.folded?.forEach((f) => f.release());
  }
}

/**
 * Depthwise k x k conv with dilation, computed as a plain depthwise conv with the kernel spread
 * out by zeros (pad + reshape + slice), so its gradient exists on every backend (tfjs-core's
 * depthwise gradient rejects dilation > 1). Weight `[k, k, C, 1]`.
 */
export class DilatedDepthwiseConv extends Module {
  private weight?: tf.Variable;
  constructor(
    path: string,
    readonly channels: number,
    readonly kernelSize: number,
    readonly stride: number,
    readonly dilation: number,
    private readonly seed: number,
  ) {
    super(path);
  }
  protected override createWeights(scope: string): void {
    const k = this.kernelSize;
    this.weight = this.addWeight(scope, 'weight', initTensor([k, k, this.channels, 1], he(k, this.channels, this.seed)), true);
  }
  /** Padding (k-1)*d/2 keeps the size at stride 1. Call inside tf.tidy. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    this.assertBuilt();
    const k = this.kernelSize;
    const d = this.dilation;
    const w = this.weight as tf.Variable;
    const spread = tf.reshape(
      tf.pad(tf.reshape(w, [k, 1, k, 1, this.channels, 1]), [
        [0, 0],
        [0, d - 1],
        [0, 0],
        [0, d - 1],
        [0, 0],
        [0, 0],
      ]),
      [k * d, k * d, this.channels, 1],
    );
    const ke = (k - 1) * d + 1;
    const kernel = tf.slice(spread, [0, 0, 0, 0], [ke, ke, -1, -1]) as tf.Tensor4D;
    return tf.depthwiseConv2d(x, kernel, [this.stride, this.stride], ((k - 1) * d) / 2);
  }
}

/**
 * DARTS `SepConv`: (ReLU, depthwise k x k, pointwise 1x1, BN) twice; the first depthwise carries
 * the stride. `fuse` (eval mode only) folds each BN into its pointwise conv.
 */
export class SepConv extends Module {
  private readonly parts: Array<{ dw: Conv2d; pw: ConvBnPair }> = [];
  constructor(path: string, c: number, k: number, stride: number, seeds: () => number) {
    super(path);
    for (let i = 0; i < 2; i++) {
      const p = childPath(path, `part${i}`);
      const dw = this.register(new Conv2d(childPath(p, 'dw'), { inChannels: c, outChannels: c, kernelSize: k, stride: i === 0 ? stride : 1, groups: c, init: he(k, c, seeds()) }));
      const pw = this.register(new Conv2d(childPath(p, 'pw'), { inChannels: c, outChannels: c, kernelSize: 1, init: he(1, c, seeds()) }));
      this.parts.push({ dw, pw: new ConvBnPair(pw, this.register(new BatchNorm(childPath(p, 'bn'), { channels: c }))) });
    }
  }
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    let y = x;
    for (const p of this.parts) y = p.pw.apply(p.dw.apply(tf.relu(y)), training, fuse);
    return y;
  }
  protected override releaseCaches(): void {
    for (const p of this.parts) p.pw.release();
  }
}

/**
 * DARTS `DilConv`: ReLU, depthwise k x k dilation 2 (stride), pointwise 1x1, BN. `fuse` (eval mode
 * only) folds the BN into the pointwise conv.
 */
export class DilConv extends Module {
  private readonly dw: DilatedDepthwiseConv;
  private readonly pw: ConvBnPair;
  constructor(path: string, c: number, k: number, stride: number, seeds: () => number) {
    super(path);
    this.dw = this.register(new DilatedDepthwiseConv(childPath(path, 'dw'), c, k, stride, 2, seeds()));
    const pw = this.register(new Conv2d(childPath(path, 'pw'), { inChannels: c, outChannels: c, kernelSize: 1, init: he(1, c, seeds()) }));
    this.pw = new ConvBnPair(pw, this.register(new BatchNorm(childPath(path, 'bn'), { channels: c })));
  }
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return this.pw.apply(this.dw.apply(tf.relu(x)), training, fuse);
  }
  protected override releaseCaches(): void {
    this.pw.release();
  }
}
