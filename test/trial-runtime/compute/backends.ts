/**
 * Test support (not a test): one tfjs-core instance with the wasm backend (nasctl kernels
 * installed) and the plain CPU backend as the reference, plus seeded random inputs.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../trial-runtime/compute/select-backend';
import type { TfCore } from '../../../trial-runtime/compute/tf-core';
import { createRng } from '../../../tuners/rng';

/** Loads wasm (with nasctl kernels) and cpu into one tfjs-core; leaves wasm active. */
export async function loadBothBackends(): Promise<TfCore> {
  const info = await selectBackend({ prefer: 'wasm', env: {} });
  require('@tensorflow/tfjs-backend-cpu');
  return info.tf;
}

/** Seeded standard-normal values for a shape. */
export function randomValues(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Runs `fn` on a backend and returns its outputs' values; every tensor made is disposed. */
export async function runOn(tf: TfCore, backend: string, fn: () => Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return values;
}

/** max |a-b| / max |b| (b is the reference); Infinity on a length mismatch. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}
