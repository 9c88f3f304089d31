import * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from '../../../trial-runtime/nn/batch-norm';

/**
 * Test helper: gives a built BN non-trivial eval parameters from seeds `seed..seed+3`: running
 * mean ~ N(0, 1), running variance ~ U(0.2, 3), and when affine scale ~ N(1, 0.5), shift ~ N(0, 1).
 */
export function randomizeEvalStats(bn: BatchNorm, seed: number): void {
  const c = bn.config.channels;
  const p = bn.evalParameters();
  tf.tidy(() => {
    p.mean.assign(tf.randomNormal([c], 0, 1, 'float32', seed));
    p.variance.assign(tf.randomUniform([c], 0.2, 3, 'float32', seed + 1));
    p.scale?.assign(tf.randomNormal([c], 1, 0.5, 'float32', seed + 2));
    p.shift?.assign(tf.randomNormal([c], 0, 1, 'float32', seed + 3));
  });
}
