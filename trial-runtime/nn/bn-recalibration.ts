import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from './module';
import { BatchNorm } from './batch-norm';

/** Every BatchNorm in a module tree, in registration order. */
export function batchNorms(root: Module): BatchNorm[] {
  const out: BatchNorm[] = [];
  for (const m of root.walk()) if (m instanceof BatchNorm) out.push(m);
  return out;
}

/**
 * Recalibrates BN statistics for one architecture: resets every BN, runs `forwardTrain` (a
 * training-mode forward pass of that architecture, whose output the caller disposes or wraps in
 * tf.tidy) on each batch, then sets each BN's running stats to the exact mean / unbiased variance
 * of everything it saw. BNs off the path keep their reset stats (0 / 1). Returns the number of
 * batches used. Assumes the network is built. Rethrows a forward error after ending the
 * recalibration, so the network is never left in accumulate mode.
 */
export function recalibrateBatchNorm(root: Module, batches: Iterable<tf.Tensor4D>, forwardTrain: (x: tf.Tensor4D) => void): number {
  const bns = batchNorms(root);
  for (const bn of bns) bn.beginRecalibration();
  let n = 0;
  try {
    for (const x of batches) {
      forwardTrain(x);
      n++;
    }
  } finally {
    for (const bn of bns) bn.endRecalibration();
  }
  return n;
}
