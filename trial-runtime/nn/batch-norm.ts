import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module';
import { batchNormTrain } from './batch-norm-train';

/** Configuration of a {@link BatchNorm} over the channel (last) axis of NHWC tensors. */
export interface BatchNormConfig {
  channels: number;
  /** PyTorch convention: running = (1 - momentum) * running + momentum * batch. Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
  /** Learnable scale/shift (weight init 1, bias 0). Default true. */
  affine?: boolean;
}

/** Float64 accumulator of exact per-channel statistics during recalibration. */
interface StatsAccumulator {
  count: number;
  mean: Float64Array;
  m2: Float64Array;
  /** Channel prefix length seen (0 before the first batch); fixed for one recalibration. */
  channelsSeen: number;
}

/**
 * Batch normalisation with running statistics kept as non-trainable variables
 * (`running_mean`, `running_var`; variance stored unbiased, as PyTorch does).
 *
 * Modes: in eval (`training = false`) it normalises with the running stats. In training it
 * normalises with the batch's own (biased) statistics and updates the running stats by momentum,
 * unless a recalibration is in progress: then, instead of the momentum update, it accumulates the
 * exact mean and variance of every sample it sees (Chan's parallel algorithm in float64), and
 * {@link endRecalibration} writes them to the running stats. Only channels `[0, c)` are touched
 * when a supernet applies it to a channel prefix.
 */
export class BatchNorm extends Module {
  readonly config: Required<BatchNormConfig>;
  private gamma?: tf.Variable;
  private beta?: tf.Variable;
  private runningMean?: tf.Variable;
  private runningVar?: tf.Variable;
  private accumulator: StatsAccumulator | undefined;

  /** Throws RangeError for a non-positive channel count or momentum outside (0, 1]. */
  constructor(path: string, config: BatchNormConfig) {
    super(path);
    if (!Number.isInteger(config.channels) || config.channels <= 0) {
      throw new RangeError(`BatchNorm '${path}': channels must be a positive integer, got ${config.channels}`);
    }
    const momentum = config.momentum ?? 0.1;
    if (!(momentum > 0 && momentum <= 1)) throw new RangeError(`BatchNorm '${path}': momentum must be in (0, 1], got ${momentum}`);
    this.config = { channels: config.channels, momentum, eps: config.eps ?? 1e-5, affine: config.affine ?? true };
  }

  protected override createWeights(scope: string): void {
    const c = this.config.channels;
    if (this.config.affine) {
      this.gamma = this.addWeight(scope, 'weight', tf.ones([c]), true);
      this.beta = this.addWeight(scope, 'bias', tf.zeros([c]), true);
    }
    this.runningMean = this.addWeight(scope, 'running_mean', tf.zeros([c]), false);
    this.runningVar = this.addWeight(scope, 'running_var', tf.ones([c]), false);
  }

  /**
   * Normalises `x` (NHWC). `channels` (default all) says how many leading channels `x` has, for
   * ordinal channel sharing. Call inside tf.tidy. Throws RangeError if `x` does not have
   * `channels` channels.
   */
  apply(x: tf.Tensor4D, training: boolean, channels = this.config.channels): tf.Tensor4D {
    this.assertBuilt();
    if (x.shape[3] !== channels || channels > this.config.channels) {
      throw new RangeError(`BatchNorm '${this.path}': input has ${x.shape[3]} channels, expected ${channels} (max ${this.config.channels})`);
    }
    const full = channels === this.config.channels;
    const prefix = (v: tf.Tensor1D): tf.Tensor1D => (full ? v : tf.slice(v, [0], [channels]));
    const scale = this.gamma ? prefix(this.gamma as tf.Tensor1D) : undefined;
    const offset = this.beta ? prefix(this.beta as tf.Tensor1D) : undefined;
    if (!training) return this.normalize(x, prefix(this.runningMean as tf.Tensor1D), prefix(this.runningVar as tf.Tensor1D), scale, offset);
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    // Batch statistics feed the running stats (or the recalibration) from inside the one op.
    let y = batchNormTrain(x, this.config.eps, (mean, variance) => {
      if (this.accumulator) this.accumulate(mean, variance, n);
      else this.momentumUpdate(mean, variance, n, channels);
    });
    if (scale) y = tf.mul(y, scale);
    if (offset) y = tf.add(y, offset);
    return y;
  }

  /**
   * Eval-mode normalisation of `x` as channels `[offset, offset + x.shape[3])` of this BN (one
   * conv's share of a BN that follows a concat of convs; see FoldedConvBn's `bnOffset`). Call
   * inside tf.tidy. Throws RangeError when that range does not fit.
   */
  applyEvalRange(x: tf.Tensor4D, offset: number): tf.Tensor4D {
    const { mean, variance, scale, shift } = this.evalParameters();
    const c = x.shape[3];
    if (!(Number.isInteger(offset) && offset >= 0 && offset + c <= this.config.channels)) {
      throw new RangeError(`BatchNorm '${this.path}': channels [${offset}, ${offset + c}) do not fit ${this.config.channels}`);
    }
    const cut = (v: tf.Variable): tf.Tensor1D => (c === this.config.channels ? (v as tf.Tensor1D) : tf.slice(v as tf.Tensor1D, [offset], [c]));
    return this.normalize(x, cut(mean), cut(variance), scale && cut(scale), shift && cut(shift));
  }

  /**
   * (x - mean) / sqrt(var + eps) [* scale + offset], written out with elementary ops (tf.batchNorm
   * records undefined tape inputs when scale/offset are absent, which breaks tf.variableGrads).
   */
  private normalize(x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, scale?: tf.Tensor1D, offset?: tf.Tensor1D): tf.Tensor4D {
    let inv = tf.rsqrt(tf.add(variance, this.config.eps)) as tf.Tensor1D;
    if (scale) inv = tf.mul(inv, scale);
    let y = tf.mul(tf.sub(x, mean), inv) as tf.Tensor4D;
    if (offset) y = tf.add(y, offset);
    return y;
  }

  private momentumUpdate(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number, channels: number): void {
    const m = this.config.momentum;
    const rm = this.runningMean as tf.Variable;
    const rv = this.runningVar as tf.Variable;
    tf.tidy(() => {
      const unbiased = tf.mul(variance, n > 1 ? n / (n - 1) : 1);
      const blend = (run: tf.Variable, batch: tf.Tensor1D): tf.Tensor1D => {
        const head = tf.add(tf.mul(tf.slice(run, [0], [channels]), 1 - m), tf.mul(batch, m)) as tf.Tensor1D;
        return channels === this.config.channels ? head : tf.concat([head, tf.slice(run, [channels], [-1]) as tf.Tensor1D]);
      };
      rm.assign(blend(rm, mean));
      rv.assign(blend(rv, unbiased as tf.Tensor1D));
    });
  }

  private accumulate(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
    const acc = this.accumulator as StatsAccumulator;
    const bm = mean.dataSync();
    const bv = variance.dataSync();
    if (acc.channelsSeen !== 0 && acc.channelsSeen !== bm.length) {
      throw new RangeError(
        `BatchNorm '${this.path}': recalibration saw ${bm.length} channels after ${acc.channelsSeen}; recalibrate one architecture at a time`,
      );
    }
    acc.channelsSeen = bm.length;
    const total = acc.count + n;
    for (let c = 0; c < bm.length; c++) {
      const delta = (bm[c] as number) - (acc.mean[c] as number);
      acc.mean[c] = (acc.mean[c] as number) + (delta * n) / total;
      acc.m2[c] = (acc.m2[c] as number) + (bv[c] as number) * n + (delta * delta * acc.count * n) / total;
    }
    acc.count = total;
  }

  /** Sets running mean to 0 and running variance to 1 (SPOS tester step 1). */
  resetRunningStats(): void {
    this.assertBuilt();
    tf.tidy(() => {
      (this.runningMean as tf.Variable).assign(tf.zeros([this.config.channels]));
      (this.runningVar as tf.Variable).assign(tf.ones([this.config.channels]));
    });
  }

  /**
   * Starts an exact-statistics recalibration: resets the running stats and, until
   * {@link endRecalibration}, training-mode applications accumulate instead of blending.
   */
  beginRecalibration(): void {
    this.resetRunningStats();
    const c = this.config.channels;
    this.accumulator = { count: 0, mean: new Float64Array(c), m2: new Float64Array(c), channelsSeen: 0 };
  }

  /**
   * Ends a recalibration: writes the exact mean and unbiased variance of all samples seen to the
   * running stats (channels never seen keep 0 / 1). Returns the number of samples (N*H*W) seen;
   * 0 means the layer was not on any path and kept its reset stats. Throws if none was begun.
   */
  endRecalibration(): number {
    const acc = this.accumulator;
    if (!acc) throw new Error(`BatchNorm '${this.path}': endRecalibration() without beginRecalibration()`);
    this.accumulator = undefined;
    if (acc.count === 0) return 0;
    const c = this.config.channels;
    const seen = acc.channelsSeen;
    const mean = new Float32Array(c);
    const variance = new Float32Array(c).fill(1);
    for (let i = 0; i < seen; i++) {
      mean[i] = acc.mean[i] as number;
      variance[i] = acc.count > 1 ? (acc.m2[i] as number) / (acc.count - 1) : 0;
    }
    tf.tidy(() => {
      (this.runningMean as tf.Variable).assign(tf.tensor1d(mean));
      (this.runningVar as tf.Variable).assign(tf.tensor1d(variance));
    });
    return acc.count;
  }

  /**
   * The variables an eval-mode application reads (running stats, and scale/shift when affine),
   * e.g. to fold this BN into the preceding conv. Throws before build.
   */
  evalParameters(): { mean: tf.Variable; variance: tf.Variable; scale: tf.Variable | undefined; shift: tf.Variable | undefined } {
    this.assertBuilt();
    return { mean: this.runningMean as tf.Variable, variance: this.runningVar as tf.Variable, scale: this.gamma, shift: this.beta };
  }

  /** Current running statistics (copies, caller disposes). */
  runningStats(): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
    this.assertBuilt();
    return { mean: (this.runningMean as tf.Variable).clone() as tf.Tensor1D, variance: (this.runningVar as tf.Variable).clone() as tf.Tensor1D };
  }
}
