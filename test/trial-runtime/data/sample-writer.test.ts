import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAugment, drawAugmentParams } from '../../../trial-runtime/data/augment';
import { normalizationTable } from '../../../trial-runtime/data/normalize';
import { writeSample } from '../../../trial-runtime/data/sample-writer';
import { createRng } from '../../../tuners/rng';

test('writeSample equals the reference crop+flip followed by normalization', () => {
  const shape = [5, 6, 3] as const;
  const len = 5 * 6 * 3;
  const images = Uint8Array.from({ length: 4 * len }, (_, i) => (i * 13 + 7) % 256);
  const table = normalizationTable({ mean: [0.1, 0.2, 0.3], std: [0.5, 0.6, 0.7] }, 3);
  const rng = createRng(11);
  for (let trial = 0; trial < 60; trial++) {
    const index = trial % 4;
    const pad = trial % 3;
    const params = drawAugmentParams(rng, { pad, flip: true });
    const out = new Float32Array(len + 3);
    writeSample(images, index, shape, table, pad, params, out, 3);
    const ref = applyAugment(images.subarray(index * len, (index + 1) * len), shape, pad, params);
    for (let i = 0; i < len; i++) assert.equal(out[3 + i], table[(i % 3) * 256 + ref[i]], `trial ${trial} value ${i}`);
  }
});

test('writeSample without augmentation only normalizes', () => {
  const images = Uint8Array.from([0, 128, 255, 64]);
  const table = normalizationTable({ mean: [0.5], std: [0.25] }, 1);
  const out = new Float32Array(4);
  writeSample(images, 0, [2, 2, 1], table, 0, null, out, 0);
  assert.deepEqual([...out], [...images].map((v) => table[v]));
});
