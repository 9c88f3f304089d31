import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { withLayerHooks, withWrappedApply } from './layer-hooks';
import { synflowCuts } from './synflow-cuts';
import { scoredWeightsForArch } from './zero-shot-batch';

/**
 * synflow (ALGORITHMS.md §6.2), data-independent: every variable set to |θ| (restored exactly
 * afterwards), BN removed (identity), dropout off, input all ones of shape [1, H, W, C],
 * R = Σ outputs, score = Σ |W ⊙ ∂R/∂W| over the conv / linear weights of the path.
 *
 * Precision: ZC casts to float64; tfjs has no float64 tensors, and deep BN-free networks exceed
 * float32's range (NB201 at C=16 reaches ~1e80). With all values non-negative the network is
 * positively homogeneous and bias-free up to the classifier, so multiplying the output of a cut
 * module (see synflowCuts) by a constant c multiplies every W ⊙ ∂R/∂W by exactly c. A first
 * forward pass picks c_i = 1 / max(output_i) at each cut; the second pass applies these constants
 * and takes the gradients; the score is exp(log(scaled sum) − Σ log c_i) in float64. In spaces
 * without cuts it runs plainly in float32. NaN when the float32 result is not finite. Disposes
 * every tensor it creates.
 */
export function synflow(net: Supernet, arch: ArchInput): number {
  const weights = scoredWeightsForArch(net, arch);
  if (weights.length === 0) return 0;
  const all = net.root.allVariables();
  const saved = all.map((v) => v.clone());
  const cuts = synflowCuts(net.root);
  try {
    for (const v of all) tf.tidy(() => v.assign(tf.abs(v)));
    const [h, w, c] = net.inputShape;
    const x = tf.ones([1, h, w, c]) as tf.Tensor4D;
    try {
      return withLayerHooks(net.root, { removeBatchNorm: true }, () => {
        const scales: number[] = [];
        withWrappedApply(
          cuts,
          (_m, y) => {
            const max = tf.tidy(() => tf.max(y).dataSync()[0] as number);
            const scale = max > 0 && Number.isFinite(max) ? 1 / max : 1;
            scales.push(scale);
            return tf.mul(y, scale);
          },
          () => tf.tidy(() => void net.forward(x, arch, { training: false })),
        );
        let call = 0;
        const { value, grads } = withWrappedApply(
          cuts,
          (_m, y) => tf.mul(y, scales[call++] ?? 1),
          () => tf.variableGrads(() => tf.sum(net.forward(x, arch, { training: false })) as tf.Scalar, weights),
        );
        let scaled = 0;
        for (const wv of weights) {
          const g = grads[wv.name];
          if (g !== undefined) scaled += tf.tidy(() => tf.sum(tf.abs(tf.mul(wv, g))).dataSync()[0] as number);
        }
        tf.dispose([value, ...Object.values(grads)]);
        if (!Number.isFinite(scaled)) return NaN;
        if (scaled === 0) return 0;
        return Math.exp(Math.log(scaled) - scales.reduce((acc, s) => acc + Math.log(s), 0));
      });
    } finally {
      x.dispose();
    }
  } finally {
    all.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
    tf.dispose(saved);
  }
}
