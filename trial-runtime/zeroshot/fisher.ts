import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { withLayerHooks } from './layer-hooks';
import { crossEntropyLoss, type ZeroShotBatch } from './zero-shot-batch';

interface OutputShape {
  shape: number[];
  fanIn: number;
}

/**
 * Fisher (ALGORITHMS.md §6.2): for each conv / linear output a on the path (pre-BN), per output
 * channel k, g_nk = Σ_spatial a ∂L/∂a and Δ_k = ½ mean_n g_nk²; the score is Σ_l Σ_k Δ_k ·
 * fan_in_l (|Δ_k| broadcast to the channel's weights, then summed). ∂L/∂a times a summed over
 * space is taken as the gradient of a per-sample, per-channel multiplier fixed at 1 on each
 * output (one forward pass records the output shapes first). BN kept, training mode. Disposes
 * every tensor it creates.
 */
export function fisher(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): number {
  const outputs: OutputShape[] = [];
  withLayerHooks(
    net.root,
    {
      onOutput: (_layer, y, fanIn) => {
        outputs.push({ shape: y.rank === 4 ? [y.shape[0] as number, 1, 1, y.shape[3] as number] : [...y.shape], fanIn });
        return y;
      },
    },
    () => tf.tidy(() => void crossEntropyLoss(net, arch, batch)),
  );
  if (outputs.length === 0) return 0;
  const masks = outputs.map((o) => tf.ones(o.shape));
  try {
    const lossOfMasks = (...ms: tf.Tensor[]): tf.Scalar => {
      let i = 0;
      const loss = withLayerHooks(net.root, { onOutput: (_layer, y) => tf.mul(y, ms[i++] as tf.Tensor) }, () => crossEntropyLoss(net, arch, batch));
      // `+ 0·Σ masks` keeps every mask in the graph: a layer cut off from the output (an NB201
      // cell with a dead edge) then gets a zero gradient (Fisher 0) instead of an exception.
      return tf.add(loss, tf.mul(tf.addN(ms.map((m) => tf.sum(m))), 0)) as tf.Scalar;
    };
    const grads = tf.grads(lossOfMasks)(masks);
    let score = 0;
    grads.forEach((g, l) => {
      const n = g.shape[0] as number;
      const perChannel = tf.tidy(() => tf.sum(tf.div(tf.mul(tf.square(tf.reshape(g, [n, -1])), 0.5), n)).dataSync()[0] as number);
      score += perChannel * (outputs[l] as OutputShape).fanIn;
    });
    tf.dispose(grads);
    return score;
  } finally {
    tf.dispose(masks);
  }
}
