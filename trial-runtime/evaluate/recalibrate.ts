import * as tf from '@tensorflow/tfjs-core';
import { Batcher } from '../data/batcher';
import type { ImageShape, ImageSplit } from '../data/dataset';
import type { ChannelStats } from '../data/normalize';
import { batchNorms } from '../nn/bn-recalibration';
import type { Supernet } from '../supernets/supernet';

/**
 * How BN statistics are recalibrated: `exact` = the exact mean / unbiased variance of all
 * recalibration samples (what SPOS's 200×128 images estimate); `momentum` = the official tester
 * literally: reset to 0/1, then momentum-0.1 running averages over the batches.
 */
export type BnRecalibrationMode = 'exact' | 'momentum';

/** Options of {@link recalibrateArch}. */
export interface RecalibrateOptions {
  /** Number of training batches (SPOS: 200). */
  batches: number;
  /** Images per batch (SPOS: 128). */
  batchSize: number;
  normalization: ChannelStats | null;
  /** Seed of the batch selection; the same seed gives every architecture the same images. */
  seed: number;
  mode?: BnRecalibrationMode;
}

/**
 * BN recalibration of one architecture (ALGORITHMS.md §1.4): reset every BatchNorm's running
 * statistics, run `batches` training batches forward in training mode without gradients (only
 * BN statistics change), leave BNs off the path at 0/1. Streams the batches (nothing is held),
 * one tidy per batch. Returns the number of images used. Throws the supernet's ConfigError for an
 * architecture outside its space; BNs are never left in accumulate mode.
 */
export async function recalibrateArch(net: Supernet, arch: number[], train: ImageSplit, shape: ImageShape, o: RecalibrateOptions): Promise<number> {
  net.parseArch(arch);
  net.build();
  const bns = batchNorms(net.root);
  const exact = (o.mode ?? 'exact') === 'exact';
  for (const bn of bns) (exact ? bn.beginRecalibration() : bn.resetRunningStats());
  const batcher = new Batcher(train, shape, { batchSize: o.batchSize, shuffle: true, seed: o.seed, normalization: o.normalization });
  let images = 0;
  let k = 0;
  try {
    for await (const b of batcher.epoch(0)) {
      if (k++ >= o.batches) break;
      tf.tidy(() => {
        net.forward(tf.tensor4d(b.x, [b.size, shape[0], shape[1], shape[2]]), arch, { training: true });
      });
      images += b.size;
    }
  } finally {
    if (exact) for (const bn of bns) bn.endRecalibration();
  }
  return images;
}
