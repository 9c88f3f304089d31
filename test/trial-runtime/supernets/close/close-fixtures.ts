import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { CloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import type { DartsCloseOptions } from '../../../../trial-runtime/supernets/close/darts-close-supernet';
import type { Nb201CloseOptions } from '../../../../trial-runtime/supernets/close/nb201-close-supernet';
import { createRng } from '../../../../tuners/rng';

/** A tiny nb201-close (C=4, one cell per stage, 8x8x1, a small gate), deterministic (dropout 0). */
export const TINY_CLOSE: Nb201CloseOptions = {
  channels: 4, cellsPerStage: 1, inputSize: 8, inChannels: 1, numClasses: 4, dropout: 0, numCurriculums: 3,
  gate: { opDim: 8, nodeDim: 8, hiddenDim: 8, gcnDims: [16, 16], mlpDims: [16], dropout: 0.1 },
};

/** A tiny darts-close (C=4, 3 cells: normal, reduce, reduce; 8x8x1, a small gate), 3 GLOW blocks. */
export const TINY_DARTS_CLOSE: DartsCloseOptions = {
  channels: 4, layers: 3, inputSize: 8, inChannels: 1, numClasses: 4, numCurriculums: 3,
  gate: { opDim: 8, nodeDim: 8, hiddenDim: 8, gcnDims: [16, 16], mlpDims: [16], dropout: 0.1 },
};

/** DARTS_V2 from the DARTS repository's genotypes.py. */
export const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

/** A genotype with parametric ops from the inputs and from inner nodes in both cell types. */
export const DARTS_MIXED =
  "Genotype(normal=[('sep_conv_3x3', 0), ('dil_conv_5x5', 1), ('sep_conv_5x5', 2), ('none', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 3), ('skip_connect', 4), ('sep_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_3x3', 2), ('max_pool_3x3', 0), ('dil_conv_3x3', 3), ('sep_conv_5x5', 1), ('skip_connect', 2), ('dil_conv_5x5', 4)], reduce_concat=range(2, 6))";

/** A gated CLOSE supernet as the leak test drives it. */
type GatedClose = CloseSupernet & { gateBlocks(arch: number[]): unknown };

/**
 * Asserts that the forwards a gated CLOSE supernet sees leak no tensors: per arch an armed
 * training forward (its logits go to `onArmed`, then are freed), an unarmed training forward, an
 * eval forward and `gateBlocks`; the second round must leave the tensor count unchanged.
 */
export function assertCloseForwardsLeakFree(net: GatedClose, x: tf.Tensor4D, archs: readonly number[][], onArmed?: (logits: tf.Tensor2D) => void): void {
  const run = (): void => {
    for (const a of archs) {
      net.armGate(createRng(2));
      const y = tf.tidy(() => net.forward(x, a, { training: true }));
      onArmed?.(y);
      y.dispose();
      tf.tidy(() => void net.forward(x, a, { training: true }));
      tf.tidy(() => void net.forward(x, a, { training: false }));
      net.gateBlocks(a);
    }
  };
  run();
  const n = tf.memory().numTensors;
  run();
  assert.equal(tf.memory().numTensors, n);
}
