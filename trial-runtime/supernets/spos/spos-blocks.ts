import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { channelShuffle } from '../../nn/channel-shuffle';
import { ConvBnPair } from '../../nn/conv-bn-pair';
import { convFlops, convOutputSize, convParams } from '../../nn/conv-cost';
import type { ArchCost } from '../supernet';

/** Shape of one SPOS choice block (SPOS `Shufflenet` / `Shuffle_Xception`). */
export interface SposBlockConfig {
  /** Main-branch input channels: C_prev when stride 2, C_out/2 when stride 1. */
  inp: number;
  /** Block output channels. */
  out: number;
  /** Main-branch middle channels (C_out/2). */
  mid: number;
  stride: 1 | 2;
  /** 3/5/7 for ShuffleNet blocks; 'xception' for the Xception 3x3 block. */
  kind: 3 | 5 | 7 | 'xception';
}

/** The SPOS candidate kinds in choice-id order. */
export const SPOS_CHOICES: ReadonlyArray<SposBlockConfig['kind']> = [3, 5, 7, 'xception'];

/** SPOS conv init quirk: N(0, 1/weight.shape[1]) where shape[1] = in/groups. */
function sposStd(inChannels: number, groups: number): number {
  return 1 / (inChannels / groups);
}

/** One conv + affine-less BN (+ ReLU) unit of a SPOS block. */
class ConvBn extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  /** The conv + BN (+ ReLU), with its eval fast path (BN folded into the conv; see {@link ConvBnPair}). */
  private readonly pair: ConvBnPair;

  constructor(path: string, inC: number, outC: number, k: number, stride: number, depthwise: boolean, readonly relu: boolean, seed: number) {
    super(path);
    const groups = depthwise ? inC : 1;
    this.conv = this.register(
      new Conv2d(childPath(path, 'conv'), { inChannels: inC, outChannels: outC, kernelSize: k, stride, groups, init: { kind: 'normal', std: sposStd(inC, groups), seed } }),
    );
    this.bn = this.register(new BatchNorm(childPath(path, 'bn'), { channels: outC, affine: false }));
    this.pair = new ConvBnPair(this.conv, this.bn, relu ? 'relu' : 'none');
  }

  /** `fuse` (eval mode only) runs the folded conv+BN(+ReLU) kernel. Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return this.pair.apply(x, training, fuse);
  }

  protected override releaseCaches(): void {
    this.pair.release();
  }

  /** MACs at input size h x w, and the output size. */
  cost(h: number, w: number): { flops: number; params: number; h: number; w: number } {
    const c = this.conv.config;
    const ho = convOutputSize(h, c.kernelSize, c.stride, c.padding);
    const wo = convOutputSize(w, c.kernelSize, c.stride, c.padding);
    return { flops: convFlops(c, ho, wo), params: convParams(c), h: ho, w: wo };
  }
}

function runChain(units: readonly ConvBn[], x: tf.Tensor4D, training: boolean, fuse: boolean): tf.Tensor4D {
  let y = x;
  for (const u of units) y = u.apply(y, training, fuse);
  return y;
}

function chainCost(units: readonly ConvBn[], h: number, w: number): ArchCost & { h: number; w: number } {
  let flops = 0;
  let params = 0;
  for (const u of units) {
    const c = u.cost(h, w);
    flops += c.flops;
    params += c.params;
    h = c.h;
    w = c.w;
  }
  return { flops, params, h, w };
}

/**
 * One SPOS candidate block (ShuffleNetV2 k x k, or Xception 3x3). Stride 1: channel shuffle,
 * odd half through the main branch, concat(even half, main). Stride 2: concat(proj(x), main(x)).
 * BN is affine-less (the SPOS supernet). Throws RangeError for channel counts that do not fit.
 */
export class SposBlock extends Module {
  readonly config: SposBlockConfig;
  private readonly main: ConvBn[] = [];
  private readonly proj: ConvBn[] = [];

  constructor(path: string, config: SposBlockConfig, seeds: () => number) {
    super(path);
    const { inp, out, mid, stride, kind } = config;
    if (out - inp <= 0) throw new RangeError(`SPOS block '${path}': output channels ${out} must exceed input channels ${inp}`);
    this.config = config;
    const outMain = out - inp;
    const m = (name: string, ...a: [number, number, number, number, boolean, boolean]): ConvBn =>
      this.register(new ConvBn(childPath(path, name), ...a, seeds()));
    if (kind === 'xception') {
      this.main.push(m('main.dw1', inp, inp, 3, stride, true, false), m('main.pw1', inp, mid, 1, 1, false, true));
      this.main.push(m('main.dw2', mid, mid, 3, 1, true, false), m('main.pw2', mid, mid, 1, 1, false, true));
      this.main.push(m('main.dw3', mid, mid, 3, 1, true, false), m('main.pw3', mid, outMain, 1, 1, false, true));
    } else {
      this.main.push(m('main.pw1', inp, mid, 1, 1, false, true), m('main.dw', mid, mid, kind, stride, true, false), m('main.pw2', mid, outMain, 1, 1, false, true));
    }
    if (stride === 2) {
      const k = kind === 'xception' ? 3 : kind;
      this.proj.push(m('proj.dw', inp, inp, k, 2, true, false), m('proj.pw', inp, inp, 1, 1, false, true));
    }
  }

  /**
   * Call inside tf.tidy. `x` has `inp` channels (stride 2) or `out` channels (stride 1). `fuse`
   * (eval mode only) runs each conv+BN(+ReLU) as one folded kernel ({@link ConvBnPair}).
   */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    if (this.config.stride === 1) {
      const [keep, through] = channelShuffle(x);
      return tf.concat([keep, runChain(this.main, through, training, fuse)], 3);
    }
    return tf.concat([runChain(this.proj, x, training, fuse), runChain(this.main, x, training, fuse)], 3);
  }

  /** MACs and weights at input size h x w (BN, ReLU, shuffle free; affine-less BN has no params). */
  cost(h: number, w: number): ArchCost & { h: number; w: number } {
    const main = chainCost(this.main, h, w);
    const proj = chainCost(this.proj, h, w);
    return { flops: main.flops + proj.flops, params: main.params + proj.params, h: main.h, w: main.w };
  }
}
