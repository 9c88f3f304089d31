import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { crossEntropyLoss, scoredWeightsForArch, sumOf, type ZeroShotBatch } from './zero-shot-batch';

/** The three single-gradient proxies (ALGORITHMS.md §6.2). */
export interface GradientSaliency {
  /** Σ_l ‖∂L/∂W_l‖₂ (Frobenius norm per layer, not squared). */
  grad_norm: number;
  /** Σ |∂L/∂W ⊙ W|. */
  snip: number;
  /** Σ ∂L/∂W ⊙ W (signed). */
  plain: number;
}

/**
 * grad_norm, snip and plain of `arch` from one backward pass of the cross-entropy on `batch`
 * (BN kept, training mode), over the conv / linear weights on the path. A path without such
 * weights scores 0 on all three. Disposes every tensor it creates.
 */
export function gradientSaliency(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): GradientSaliency {
  const weights = scoredWeightsForArch(net, arch);
  if (weights.length === 0) return { grad_norm: 0, snip: 0, plain: 0 };
  const { value, grads } = tf.variableGrads(() => crossEntropyLoss(net, arch, batch), weights);
  value.dispose();
  const out: GradientSaliency = { grad_norm: 0, snip: 0, plain: 0 };
  for (const w of weights) {
    const g = grads[w.name];
    if (g === undefined) continue;
    tf.tidy(() => {
      out.grad_norm += Math.sqrt(sumOf(tf.square(g)));
      const gw = tf.mul(g, w);
      out.snip += sumOf(tf.abs(gw));
      out.plain += sumOf(gw);
    });
  }
  tf.dispose(Object.values(grads));
  return out;
}
