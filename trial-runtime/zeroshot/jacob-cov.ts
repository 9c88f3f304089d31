import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { correlationMatrix, symmetricEigenvalues } from './linear-algebra';
import type { ZeroShotBatch } from './zero-shot-batch';

/**
 * jacob_cov (ALGORITHMS.md §6.2): J = ∂(Σ logits)/∂x per sample, flattened (N x CHW);
 * C = corrcoef(J) (N x N); with its eigenvalues v the score is −Σ [log(v + 1e-5) + 1/(v + 1e-5)].
 * NaN when it fails (a constant Jacobian row, or an eigenvalue below −1e-5), as ZC returns NaN.
 * BN kept, training mode. Needs a batch of at least 2. Disposes every tensor it creates.
 */
export function jacobCov(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): number {
  // `+ 0·Σx` keeps x in the graph when the architecture cuts the input off (an NB201 cell whose
  // output does not depend on it): the Jacobian is then zero and the score NaN, not an exception.
  const jac = tf.grad((x: tf.Tensor) => tf.add(tf.sum(net.forward(x as tf.Tensor4D, arch, { training: true })), tf.mul(tf.sum(x), 0)))(batch.x);
  const n = jac.shape[0] as number;
  const d = jac.size / n;
  const rows = Float64Array.from(jac.dataSync());
  jac.dispose();
  const corr = correlationMatrix(rows, n, d);
  if (corr.some((v) => !Number.isFinite(v))) return NaN;
  const k = 1e-5;
  let score = 0;
  for (const v of symmetricEigenvalues(corr, n)) score -= Math.log(v + k) + 1 / (v + k);
  return score;
}
