import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { crossEntropyLoss, scoredWeightsForArch, sumOf, type ZeroShotBatch } from './zero-shot-batch';

/** Relative size of the finite-difference step: ‖ε g‖ = GRASP_STEP · ‖W‖ over the scored weights. */
export const GRASP_STEP = 1e-3;

function gradsOf(net: Supernet, arch: ArchInput, batch: ZeroShotBatch, weights: tf.Variable[]): tf.Tensor[] {
  const { value, grads } = tf.variableGrads(() => crossEntropyLoss(net, arch, batch), weights);
  value.dispose();
  return weights.map((w) => grads[w.name] ?? tf.zerosLike(w));
}

/**
 * GraSP: Σ −W ⊙ (H g) over the conv / linear weights of the path, g = ∂L/∂W, T = 1. ZC computes
 * H g by double back-propagation; tfjs-core has no second-order gradient for its conv kernels
 * (Conv2DBackpropFilter), so H g is the central difference (∇L(W + εg) − ∇L(W − εg)) / 2ε, with
 * ε chosen so the step is {@link GRASP_STEP} of ‖W‖: exact up to O(ε²) and float32 rounding. The
 * weights are restored exactly afterwards (copies, not a reverse step). Assumes a deterministic
 * forward (no dropout). Disposes every tensor it creates.
 */
export function grasp(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): number {
  const weights = scoredWeightsForArch(net, arch);
  if (weights.length === 0) return 0;
  const saved = weights.map((w) => w.clone());
  const g = gradsOf(net, arch, batch, weights);
  try {
    let gg = 0;
    let ww = 0;
    weights.forEach((w, i) => {
      gg += tf.tidy(() => sumOf(tf.square(g[i] as tf.Tensor)));
      ww += tf.tidy(() => sumOf(tf.square(w)));
    });
    if (gg === 0) return 0;
    const eps = (GRASP_STEP * Math.sqrt(ww)) / Math.sqrt(gg);
    const at = (sign: number): tf.Tensor[] => {
      weights.forEach((w, i) => tf.tidy(() => w.assign(tf.add(saved[i] as tf.Tensor, tf.mul(g[i] as tf.Tensor, sign * eps)))));
      return gradsOf(net, arch, batch, weights);
    };
    const plus = at(1);
    const minus = at(-1);
    let score = 0;
    weights.forEach((_w, i) => {
      score += tf.tidy(() => {
        const hg = tf.div(tf.sub(plus[i] as tf.Tensor, minus[i] as tf.Tensor), 2 * eps);
        return -sumOf(tf.mul(saved[i] as tf.Tensor, hg));
      });
    });
    tf.dispose([...plus, ...minus]);
    return score;
  } finally {
    weights.forEach((w, i) => w.assign(saved[i] as tf.Tensor));
    tf.dispose([...saved, ...g]);
  }
}
