import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAugment, cropWithPadding, drawAugmentParams, flipHorizontal } from '../../../trial-runtime/data/augment';
import { createRng } from '../../../tuners/rng';

// A 3x3 single-channel image with values 1..9 (row-major).
const img = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const shape = [3, 3, 1] as const;

test('flipHorizontal mirrors each row', () => {
  assert.deepEqual([...flipHorizontal(img, shape)], [3, 2, 1, 6, 5, 4, 9, 8, 7]);
});

test('flipHorizontal keeps channel order within a pixel', () => {
  const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6]); // 1x2x3
  assert.deepEqual([...flipHorizontal(rgb, [1, 2, 3])], [4, 5, 6, 1, 2, 3]);
});

test('cropWithPadding with centered offsets is the identity', () => {
  assert.deepEqual([...cropWithPadding(img, shape, 1, 1, 1)], [...img]);
});

test('cropWithPadding at offset (0,0) shifts the image down-right and fills zeros', () => {
  assert.deepEqual([...cropWithPadding(img, shape, 1, 0, 0)], [0, 0, 0, 0, 1, 2, 0, 4, 5]);
});

test('cropWithPadding at offset (2,2) shifts up-left', () => {
  assert.deepEqual([...cropWithPadding(img, shape, 1, 2, 2)], [5, 6, 0, 8, 9, 0, 0, 0, 0]);
});

test('cropWithPadding rejects offsets outside the padded image', () => {
  assert.throws(() => cropWithPadding(img, shape, 1, 3, 0), RangeError);
});

test('applyAugment crops then flips', () => {
  assert.deepEqual([...applyAugment(img, shape, 1, { offsetY: 0, offsetX: 0, flip: true })], [0, 0, 0, 2, 1, 0, 5, 4, 0]);
});

test('drawAugmentParams stays in range, uses both flips and is seeded', () => {
  const a = createRng(5);
  const b = createRng(5);
  const seen = new Set<string>();
  let flips = 0;
  for (let i = 0; i < 400; i++) {
    const p = drawAugmentParams(a, { pad: 2, flip: true });
    assert.deepEqual(p, drawAugmentParams(b, { pad: 2, flip: true }));
    assert.ok(p.offsetY >= 0 && p.offsetY <= 4 && p.offsetX >= 0 && p.offsetX <= 4);
    seen.add(`${p.offsetY},${p.offsetX}`);
    if (p.flip) flips++;
  }
  assert.equal(seen.size, 25);
  assert.ok(flips > 120 && flips < 280, `flips ${flips}`);
  assert.deepEqual(drawAugmentParams(a, { pad: 0, flip: false }), { offsetY: 0, offsetX: 0, flip: false });
});
