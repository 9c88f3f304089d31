import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { ConvBnPair } from '../../nn/conv-bn-pair';

/** Active sub-size of a block for one architecture (ordinal channel sharing). */
export interface NdsBlockChoice {
  wIn: number;
  w: number;
  /** Bottleneck width (ResNeXt-A). */
  wb: number;
  groups: number;
}

/**
 * Conv at max size + affine-less BN (+ ReLU when `relu`), applied to a channel prefix; in eval
 * mode with `fuse`, the prefix of the folded kernel ({@link ConvBnPair.applySliced}).
 */
class SharedConvBn extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  private readonly pair: ConvBnPair;

  constructor(path: string, inC: number, outC: number, k: number, stride: number, relu: boolean, seed: number) {
    super(path);
    this.conv = this.register(new Conv2d(childPath(path, 'conv'), { inChannels: inC, outChannels: outC, kernelSize: k, stride, init: { kind: 'normal', std: Math.sqrt(2 / (k * k * outC)), seed } }));
    this.bn = this.register(new BatchNorm(childPath(path, 'bn'), { channels: outC, affine: false }));
    this.pair = new ConvBnPair(this.conv, this.bn, relu ? 'relu' : 'none');
  }

  apply(x: tf.Tensor4D, outC: number, groups: number, training: boolean, fuse: boolean): tf.Tensor4D {
    return this.pair.applySliced(x, { inChannels: x.shape[3], outChannels: outC, groups }, training, fuse);
  }

  protected override releaseCaches(): void {
    this.pair.release();
  }
}

/**
 * One residual block of an NDS stage, allocated at the largest widths: `out = ReLU(proj(x) + f(x))`
 * with `proj` (1x1 conv stride s + BN) used only when w_in != w or s != 1. `f` is the basic
 * block (ResNet) or the bottleneck (ResNeXt-A; stride on the 3x3 grouped conv). A sub-width uses
 * the first channels of every weight; groups use block-diagonal slices of the dense 3x3 kernel.
 */
export class NdsBlock extends Module {
  readonly stride: number;
  private readonly convs: SharedConvBn[];
  private readonly proj: SharedConvBn | undefined;

  /** `withProj` allocates the projection (only the first block of a stage needs one). */
  constructor(path: string, kind: 'resnet' | 'resnexta', maxIn: number, maxW: number, maxWb: number, stride: number, withProj: boolean, seeds: () => number) {
    super(path);
    this.stride = stride;
    const u = (name: string, i: number, o: number, k: number, s: number, relu: boolean): SharedConvBn => this.register(new SharedConvBn(childPath(path, name), i, o, k, s, relu, seeds()));
    this.convs =
      kind === 'resnet'
        ? [u('a', maxIn, maxW, 3, stride, true), u('b', maxW, maxW, 3, 1, false)]
        : [u('a', maxIn, maxWb, 1, 1, true), u('b', maxWb, maxWb, 3, stride, true), u('c', maxWb, maxW, 1, 1, false)];
    this.proj = withProj ? u('proj', maxIn, maxW, 1, stride, false) : undefined;
  }

  /** Whether this block uses its projection for `c`. */
  usesProj(c: NdsBlockChoice): boolean {
    return c.wIn !== c.w || this.stride !== 1;
  }

  /** Modules with weights used for `c`. */
  modulesFor(c: NdsBlockChoice): Module[] {
    return this.usesProj(c) && this.proj ? [...this.convs, this.proj] : [...this.convs];
  }

  /**
   * Call inside tf.tidy; `x` has `c.wIn` channels. `fuse` (eval mode only) runs each conv + BN
   * (+ ReLU) folded. Throws when a projection is needed but absent.
   */
  apply(x: tf.Tensor4D, c: NdsBlockChoice, training: boolean, fuse = false): tf.Tensor4D {
    let y: tf.Tensor4D;
    if (this.convs.length === 2) {
      const [a, b] = this.convs as [SharedConvBn, SharedConvBn];
      y = b.apply(a.apply(x, c.w, 1, training, fuse), c.w, 1, training, fuse);
    } else {
      const [a, b, d] = this.convs as [SharedConvBn, SharedConvBn, SharedConvBn];
      y = a.apply(x, c.wb, 1, training, fuse);
      y = b.apply(y, c.wb, c.groups, training, fuse);
      y = d.apply(y, c.w, 1, training, fuse);
    }
    let skip = x;
    if (this.usesProj(c)) {
      if (!this.proj) throw new Error(`NDS block '${this.path}' needs a projection for ${c.wIn}->${c.w} but has none`);
      skip = this.proj.apply(x, c.w, 1, training, fuse);
    }
    return tf.relu(tf.add(skip, y)) as tf.Tensor4D;
  }
}
