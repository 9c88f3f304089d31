import * as tf from '@tensorflow/tfjs-core';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { logAbsDet } from './linear-algebra';
import { withReluProbe, type ReluInput } from './relu-probe';
import type { ZeroShotBatch } from './zero-shot-batch';

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** K += c cᵀ + (1 − c)(1 − c)ᵀ = D − Hamming(c_i, c_j) for one ReLU input, c = [x > 0] per sample. */
function accumulate(k: Float64Array, input: ReluInput): void {
  const n = input.shape[0] as number;
  const d = input.values.length / n;
  const words = Math.ceil(d / 32);
  const bits = new Uint32Array(n * words);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) if ((input.values[i * d + j] as number) > 0) bits[i * words + (j >>> 5)] = ((bits[i * words + (j >>> 5)] as number) | (1 << (j & 31))) >>> 0;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let ham = 0;
      for (let w = 0; w < words; w++) ham += popcount(((bits[i * words + w] as number) ^ (bits[j * words + w] as number)) >>> 0);
      const v = d - ham;
      k[i * n + j] = (k[i * n + j] as number) + v;
      if (j !== i) k[j * n + i] = (k[j * n + i] as number) + v;
    }
  }
}

/**
 * NASWOT / relu_logdet (ALGORITHMS.md §6.2): over every ReLU of one forward pass of `batch`
 * (training mode), K = Σ c cᵀ + (1 − c)(1 − c)ᵀ with c the binary activation code of each
 * sample; the score is log|det K| (numpy slogdet). −Infinity when K is singular (e.g. two
 * identical samples, or no ReLU on the path). K is accumulated in float64. Disposes its tensors.
 */
export function reluLogdet(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): number {
  const n = batch.x.shape[0];
  const k = new Float64Array(n * n);
  let calls = 0;
  withReluProbe(
    (input) => {
      calls++;
      accumulate(k, input);
    },
    () => tf.tidy(() => void net.forward(batch.x, arch, { training: true }).dataSync()),
  );
  return calls === 0 ? -Infinity : logAbsDet(k, n);
}

/**
 * `relu`: the number of ReLU calls in one forward pass of one sample (the first of `batch`,
 * inference mode). Counts what the supernet computes for `arch` (edges cut off from the input
 * or the output are not computed). Disposes its tensors.
 */
export function reluCount(net: Supernet, arch: ArchInput, batch: ZeroShotBatch): number {
  let calls = 0;
  withReluProbe(
    () => {
      calls++;
    },
    () => tf.tidy(() => void net.forward(tf.slice(batch.x, [0, 0, 0, 0], [1, -1, -1, -1]), arch, { training: false }).dataSync()),
  );
  return calls;
}
