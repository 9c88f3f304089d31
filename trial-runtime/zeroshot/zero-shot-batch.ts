import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { scoredWeightNames } from './layer-hooks';

/** One minibatch for data-dependent proxies: NHWC images and int32 class labels. */
export interface ZeroShotBatch {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/**
 * Mean softmax cross-entropy of `arch` on `batch`, BN in training mode (batch statistics, as the
 * zero-cost code runs the network). Call inside tf.tidy or a gradient function.
 */
export function crossEntropyLoss(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): tf.Scalar {
  const logits = net.forward(batch.x, arch, { training: true });
  return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(batch.labels, 'int32'), net.numClasses), logits) as tf.Scalar;
}

/** Conv / linear weight variables on the path of `arch` (what the saliency proxies score). Builds the net. */
export function scoredWeightsForArch(net: Supernet, arch: ArchInput): tf.Variable[] {
  net.build();
  const names = scoredWeightNames(net.root);
  return net.variablesForArch(arch).filter((v) => names.has(v.name));
}

/** Sum of all elements of a tensor read as a float64 number; disposes nothing. */
export function sumOf(t: tf.Tensor): number {
  return tf.tidy(() => tf.sum(t).dataSync()[0] as number);
}
