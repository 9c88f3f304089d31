import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from './batch-norm';
import type { Conv2d, ConvSlice } from './conv2d';
import { FoldedConvBn } from './folded-conv-bn';

/**
 * What follows a conv + BN pair: nothing, ReLU (fused into the folded kernel), or any other
 * elementwise activation (Swish, ...) applied to the pair's output in both paths.
 */
export type PairActivation = 'none' | 'relu' | ((x: tf.Tensor4D) => tf.Tensor4D);

/**
 * One conv directly followed by a BatchNorm over its output channels (+ an activation), as a
 * supernet block runs it: the plain chain `act(bn(conv(x), training))`, or in eval mode with
 * `fuse` the folded kernel of a {@link FoldedConvBn} (created on the first fused call; its cache
 * follows every weight write by itself). Not a Module: the block owning the conv and BN holds the
 * pair and calls {@link release} from its `releaseCaches` (or its dispose), so the folded kernel
 * goes with the weights.
 */
export class ConvBnPair {
  private folded: FoldedConvBn | undefined;

  /** Checks nothing until the first fused call (the fold's RangeErrors come from there). */
  constructor(
    readonly conv: Conv2d,
    readonly bn: BatchNorm,
    readonly activation: PairActivation = 'none',
  ) {}

  /**
   * `act(bn(conv(x), training))`; with `fuse` and not `training`, the folded kernel (the same
   * values within float rounding). Call inside tf.tidy. Throws the modules' errors before build,
   * and FoldedConvBn's RangeError on the first fused call of a grouped conv.
   */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    if (fuse && !training) return this.after(this.fold().apply(x));
    return this.plain(this.bn.apply(this.conv.apply(x), training));
  }

  /**
   * As {@link apply} with the prefix `slice` of a dense conv and the BN's first
   * `slice.outChannels` channels (ordinal channel sharing, `Conv2d.applySliced`). Assumes `x` has
   * `slice.inChannels` channels. Call inside tf.tidy. Throws RangeError for a slice that does not fit.
   */
  applySliced(x: tf.Tensor4D, slice: ConvSlice, training: boolean, fuse = false): tf.Tensor4D {
    if (fuse && !training) return this.after(this.fold().applySliced(x, slice));
    return this.plain(this.bn.apply(this.conv.applySliced(x, slice), training, slice.outChannels));
  }

  /** Whether a folded kernel is held now (tests, diagnostics). */
  get cached(): boolean {
    return this.folded?.cached ?? false;
  }

  /** How many times the kernel was folded (0 before the first fused call). */
  get foldCount(): number {
    return this.folded?.foldCount ?? 0;
  }

  /** Frees the folded kernel, if any (the next fused call folds again). Safe to call any time. */
  release(): void {
    this.folded?.release();
  }

  private fold(): FoldedConvBn {
    this.folded ??= new FoldedConvBn(this.conv, this.bn, this.activation === 'relu');
    return this.folded;
  }

  /** The activation on the plain chain's BN output. */
  private plain(y: tf.Tensor4D): tf.Tensor4D {
    if (this.activation === 'relu') return tf.relu(y);
    return this.after(y);
  }

  /** The activation left after the folded kernel (ReLU is already in it). */
  private after(y: tf.Tensor4D): tf.Tensor4D {
    return typeof this.activation === 'function' ? this.activation(y) : y;
  }
}
