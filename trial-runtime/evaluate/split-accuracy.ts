import * as tf from '@tensorflow/tfjs-core';
import { Batcher } from '../data/batcher';
import type { ImageShape, ImageSplit } from '../data/dataset';
import type { ChannelStats } from '../data/normalize';
import type { Supernet } from '../supernets/supernet';
import { countCorrect, smoothedCrossEntropy } from '../train/loss';

/** Options of {@link evaluateSplit}. */
export interface SplitEvalOptions {
  batchSize: number;
  /** Evaluate at most this many batches (in the split's fixed order); default all. */
  maxBatches?: number;
  /** Per-channel normalization used in training (null: pixels scaled to [0, 1]). */
  normalization: ChannelStats | null;
  /** Seed of the fixed evaluation order (default 0). */
  seed?: number;
  /** Label smoothing of the reported loss (default 0: plain cross-entropy). */
  labelSmoothing?: number;
}

/** Top-1 accuracy (fraction) and mean loss of one architecture on a split. */
export interface SplitEvalResult {
  accuracy: number;
  loss: number;
  samples: number;
}

/**
 * Evaluates architecture `arch` in eval mode (BN running statistics, no dropout; conv+BN folded
 * into fused kernels where the supernet supports it, see ForwardOptions.fuse) on the first
 * `maxBatches` batches of `split` in a fixed seeded order, unaugmented. One tidy per batch, nothing
 * leaks. Throws the supernet's ConfigError for an architecture outside its space.
 */
export async function evaluateSplit(net: Supernet, arch: number[], split: ImageSplit, shape: ImageShape, options: SplitEvalOptions): Promise<SplitEvalResult> {
  // A fixed seeded order: a `maxBatches` prefix is a class-balanced sample (splits are stored by class).
  const batcher = new Batcher(split, shape, { batchSize: options.batchSize, shuffle: true, seed: options.seed ?? 0, normalization: options.normalization });
  const limit = options.maxBatches ?? Infinity;
  let correct = 0;
  let lossSum = 0;
  let samples = 0;
  let k = 0;
  for await (const b of batcher.epoch(0)) {
    if (k++ >= limit) break;
    const [c, l] = tf.tidy(() => {
      const x = tf.tensor4d(b.x, [b.size, shape[0], shape[1], shape[2]]);
      const y = tf.tensor1d(b.y, 'int32');
      const logits = net.forward(x, arch, { training: false, fuse: true });
      return [countCorrect(logits, y), smoothedCrossEntropy(logits, y, options.labelSmoothing ?? 0).dataSync()[0] as number];
    });
    correct += c;
    lossSum += l * b.size;
    samples += b.size;
  }
  return { accuracy: samples === 0 ? 0 : correct / samples, loss: samples === 0 ? 0 : lossSum / samples, samples };
}
