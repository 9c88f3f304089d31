import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeChannelStats, normalizationTable, scaleOnlyTable } from '../../../trial-runtime/data/normalize';

test('computeChannelStats: per-channel mean and population std on the [0,1] scale', () => {
  // Two 1x1 RGB images: (0, 255, 51) and (255, 255, 153).
  const split = { size: 2, images: Uint8Array.from([0, 255, 51, 255, 255, 153]), labels: new Uint8Array(2) };
  const s = computeChannelStats(split, [1, 1, 3]);
  assert.ok(Math.abs(s.mean[0] - 0.5) < 1e-12);
  assert.ok(Math.abs(s.std[0] - 0.5) < 1e-12);
  assert.ok(Math.abs(s.mean[1] - 1) < 1e-12);
  assert.equal(s.std[1], 1, 'zero variance falls back to std 1');
  assert.ok(Math.abs(s.mean[2] - 0.4) < 1e-12);
  assert.ok(Math.abs(s.std[2] - 0.2) < 1e-12);
});

test('computeChannelStats: grayscale path agrees with the definition', () => {
  const images = Uint8Array.from({ length: 50 }, (_, i) => (i * 37) % 256);
  const s = computeChannelStats({ size: 2, images, labels: new Uint8Array(2) }, [5, 5, 1]);
  const v = [...images].map((x) => x / 255);
  const mean = v.reduce((a, b) => a + b) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  assert.ok(Math.abs(s.mean[0] - mean) < 1e-12);
  assert.ok(Math.abs(s.std[0] - std) < 1e-12);
});

test('normalizationTable maps (v/255 - mean)/std per channel', () => {
  const t = normalizationTable({ mean: [0.5, 0.25], std: [0.5, 0.125] }, 2);
  assert.ok(Math.abs(t[0] - -1) < 1e-6);
  assert.ok(Math.abs(t[255] - 1) < 1e-6);
  assert.ok(Math.abs(t[256 + 0] - -2) < 1e-6);
  assert.ok(Math.abs(t[256 + 51] - (0.2 - 0.25) / 0.125) < 1e-6);
  assert.equal(scaleOnlyTable(1)[255], 1);
});

test('normalizationTable rejects mismatched or non-positive statistics', () => {
  assert.throws(() => normalizationTable({ mean: [0.5], std: [0.5] }, 3), /expected 3/);
  assert.throws(() => normalizationTable({ mean: [0.5], std: [0] }, 1), /positive/);
  assert.throws(() => computeChannelStats({ size: 0, images: new Uint8Array(0), labels: new Uint8Array(0) }, [1, 1, 1]), RangeError);
});
