import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from './batch-norm';
import type { Conv2d, ConvSlice } from './conv2d';

/** The folded kernel of one conv + BN pair and the weight versions it was computed from. */
interface FoldedKernel {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  /** Data ids of the source variables when folded (see {@link FoldedConvBn}). */
  sources: readonly object[];
}

/**
 * Inference fast path of `relu?(bn(conv(x)))` with the BatchNorm in eval mode: BN's running
 * statistics (and scale/shift) are folded into the conv's kernel and a bias,
 * `W' = W * s`, `b' = (b - mean) * s + shift` with `s = scale / sqrt(var + eps)`, and the pair runs
 * as one `tf.fused.conv2d` / `tf.fused.depthwiseConv2d` with bias and ReLU: one kernel instead of
 * a conv and four or five elementwise passes. Equal to the plain chain within float rounding.
 *
 * The folded kernel is cached and stays valid exactly as long as the source variables hold the
 * same data: every write to a tf.Variable (`assign`, by optimizers, checkpoint restore, BN
 * momentum updates, recalibration, snapshot restores) gives it a new data id, and the cache
 * compares the data ids it was folded from with the current ones on every call. No writer has to
 * remember to invalidate it. While gradients are being recorded it computes the plain chain, so
 * gradients reach the weights. Dense (groups = 1) and depthwise convs only; BN over all channels,
 * or (`bnOffset`) over a wider tensor of which this conv's output is channels
 * `[bnOffset, bnOffset + out)` (a BN after a concat of convs, as DARTS' FactorizedReduce: each
 * conv folds its own channel range). {@link applySliced} runs a channel prefix of a dense kernel
 * (ordinal weight sharing) from the same cached kernel.
 */
export class FoldedConvBn {
  private kernel: FoldedKernel | undefined;
  private folds = 0;

  /**
   * `bnOffset` (default: none, the BN must have exactly the conv's output channels): the conv's
   * outputs are the BN's channels `[bnOffset, bnOffset + out)`. Throws RangeError when the conv is
   * grouped (neither dense nor depthwise) or the BN does not match its output channels.
   */
  constructor(readonly conv: Conv2d, readonly bn: BatchNorm, readonly relu: boolean, readonly bnOffset?: number) {
    const c = conv.config;
    if (c.groups !== 1 && !conv.depthwise) throw new RangeError(`FoldedConvBn '${conv.path}': only dense or depthwise convs fold, got groups=${c.groups}`);
    if (bnOffset === undefined ? bn.config.channels !== c.outChannels : !(Number.isInteger(bnOffset) && bnOffset >= 0 && bnOffset + c.outChannels <= bn.config.channels)) {
      const range = bnOffset === undefined ? '' : ` from offset ${bnOffset}`;
      throw new RangeError(`FoldedConvBn '${conv.path}': BN '${bn.path}' has ${bn.config.channels} channels, the conv outputs ${c.outChannels}${range}`);
    }
  }

  /** How many times the kernel was (re)folded: 1 after the first call, +1 after each weight change. */
  get foldCount(): number {
    return this.folds;
  }

  /** Whether a folded kernel is held now. */
  get cached(): boolean {
    return this.kernel !== undefined;
  }

  /**
   * `relu?(bn(conv(x), eval))` of an NHWC input with all the conv's input channels. Call inside
   * tf.tidy; the cached kernel survives the tidy (it is kept) and is freed by {@link release}.
   * Throws the modules' errors before build.
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    if (tf.engine().isTapeOn()) {
      const y = this.bnOffset === undefined ? this.bn.apply(this.conv.apply(x), false) : this.bn.applyEvalRange(this.conv.apply(x), this.bnOffset);
      return this.relu ? tf.relu(y) : y;
    }
    const k = this.current();
    const { stride: s, padding: p } = this.conv.config;
    const activation = this.relu ? 'relu' : 'linear';
    if (this.conv.depthwise) return tf.fused.depthwiseConv2d({ x, filter: k.filter, strides: [s, s], pad: p, bias: k.bias, activation });
    return tf.fused.conv2d({ x, filter: k.filter, strides: [s, s], pad: p, bias: k.bias, activation });
  }

  /**
   * `relu?(bn(conv.applySliced(x, slice), eval, slice.outChannels))`: the prefix `slice` of a dense
   * kernel (optionally as a block-diagonal grouped conv, one fused conv per group) and the BN's
   * first `slice.outChannels` channels, cut from the one cached full-size folded kernel (folding
   * is per output channel, so a slice of the folded kernel is the fold of the slice). Assumes `x`
   * has `slice.inChannels` channels. Call inside tf.tidy. Throws RangeError for a depthwise conv,
   * a `bnOffset` pair or a slice that does not fit (as Conv2d.applySliced).
   */
  applySliced(x: tf.Tensor4D, slice: ConvSlice): tf.Tensor4D {
    const { stride: s, padding: p, inChannels, outChannels, groups } = this.conv.config;
    if (groups !== 1 || this.bnOffset !== undefined) throw new RangeError(`FoldedConvBn '${this.conv.path}': applySliced needs a dense conv with a BN of its own channels`);
    const g = slice.groups ?? 1;
    if (slice.inChannels === inChannels && slice.outChannels === outChannels && g === 1) return this.apply(x);
    if (tf.engine().isTapeOn()) {
      const y = this.bn.apply(this.conv.applySliced(x, slice), false, slice.outChannels);
      return this.relu ? tf.relu(y) : y;
    }
    if (slice.inChannels > inChannels || slice.outChannels > outChannels || slice.inChannels % g !== 0 || slice.outChannels % g !== 0) {
      throw new RangeError(`FoldedConvBn '${this.conv.path}': slice in=${slice.inChannels} out=${slice.outChannels} groups=${g} does not fit ${inChannels}->${outChannels}`);
    }
    const k = this.current();
    const activation = this.relu ? 'relu' : 'linear';
    const ci = slice.inChannels / g;
    const co = slice.outChannels / g;
    const parts: tf.Tensor4D[] = [];
    for (let j = 0; j < g; j++) {
      const xs = g === 1 ? x : tf.slice(x, [0, 0, 0, j * ci], [-1, -1, -1, ci]);
      const filter = tf.slice(k.filter, [0, 0, j * ci, j * co], [-1, -1, ci, co]);
      const bias = tf.slice(k.bias, [j * co], [co]);
      parts.push(tf.fused.conv2d({ x: xs, filter, strides: [s, s], pad: p, bias, activation }));
    }
    return g === 1 ? (parts[0] as tf.Tensor4D) : tf.concat(parts, 3);
  }

  /** Frees the cached kernel (the next {@link apply} folds again). Safe to call any time. */
  release(): void {
    if (this.kernel) tf.dispose([this.kernel.filter, this.kernel.bias]);
    this.kernel = undefined;
  }

  /** The variables the folded kernel is computed from, in a fixed order. */
  private sources(): tf.Variable[] {
    const { weight, bias } = this.conv.parameters();
    const { mean, variance, scale, shift } = this.bn.evalParameters();
    return [weight, mean, variance, ...(bias ? [bias] : []), ...(scale ? [scale] : []), ...(shift ? [shift] : [])];
  }

  private current(): FoldedKernel {
    const vars = this.sources();
    const held = this.kernel;
    if (held && held.sources.length === vars.length && vars.every((v, i) => v.dataId === held.sources[i])) return held;
    this.release();
    const [filter, bias] = tf.tidy(() => this.fold());
    this.kernel = { filter: tf.keep(filter), bias: tf.keep(bias), sources: vars.map((v) => v.dataId) };
    this.folds++;
    return this.kernel;
  }

  /** The BN's eval parameters over this conv's channel range (all of them without `bnOffset`). */
  private bnParameters(): { mean: tf.Tensor1D; variance: tf.Tensor1D; scale: tf.Tensor1D | undefined; shift: tf.Tensor1D | undefined } {
    const { mean, variance, scale, shift } = this.bn.evalParameters();
    const o = this.bnOffset;
    const c = this.conv.config.outChannels;
    const cut = (v: tf.Variable): tf.Tensor1D => (o === undefined ? (v as tf.Tensor1D) : tf.slice(v as tf.Tensor1D, [o], [c]));
    return { mean: cut(mean), variance: cut(variance), scale: scale && cut(scale), shift: shift && cut(shift) };
  }

  private fold(): [tf.Tensor4D, tf.Tensor1D] {
    const { weight, bias } = this.conv.parameters();
    const { mean, variance, scale, shift } = this.bnParameters();
    let s = tf.rsqrt(tf.add(variance, this.bn.config.eps)) as tf.Tensor1D;
    if (scale) s = tf.mul(s, scale);
    const c = this.conv.config.outChannels;
    const filter = tf.mul(weight, this.conv.depthwise ? tf.reshape(s, [1, 1, c, 1]) : s) as tf.Tensor4D;
    let b = tf.mul(bias ? tf.sub(bias, mean) : tf.neg(mean), s) as tf.Tensor1D;
    if (shift) b = tf.add(b, shift);
    return [filter, b];
  }
}
