import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerCrop, resizeAndCenterCrop, resizeBilinear, resizeShorterSide } from '../../../trial-runtime/data/resize';

test('resizeBilinear: identity, upsampling a ramp and downsampling by 2', () => {
  const src = Uint8Array.from([0, 100, 200, 250]); // 1x4x1
  assert.deepEqual([...resizeBilinear(src, 1, 4, 1, 1, 4)], [0, 100, 200, 250]);
  // 2x downsample with half-pixel centers averages neighbouring pairs.
  assert.deepEqual([...resizeBilinear(src, 1, 4, 1, 1, 2)], [50, 225]);
  // 1x2 -> 1x4: positions -0.25, 0.25, 0.75, 1.25 clamped to [0,1].
  assert.deepEqual([...resizeBilinear(Uint8Array.from([0, 200]), 1, 2, 1, 1, 4)], [0, 50, 150, 200]);
});

test('resizeShorterSide keeps the aspect ratio; centerCrop takes the middle', () => {
  const img = { width: 8, height: 4, data: new Uint8Array(8 * 4 * 3) };
  const r = resizeShorterSide(img, 2);
  assert.deepEqual([r.height, r.width], [2, 4]);
  const ramp = { width: 4, height: 1, data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]) };
  assert.deepEqual([...centerCrop(ramp, 1, 2).data], [2, 2, 2, 3, 3, 3]);
  assert.throws(() => centerCrop(ramp, 2, 2), RangeError);
  const out = resizeAndCenterCrop({ width: 30, height: 20, data: new Uint8Array(30 * 20 * 3) }, 7, 0.875);
  assert.deepEqual([out.height, out.width, out.data.length], [7, 7, 147]);
});
