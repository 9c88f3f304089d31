/**
 * The batcher's hot path: writes one image into a float batch, applying crop-with-padding, flip
 * and normalization in a single pass (no intermediate arrays). Equivalent to
 * `applyAugment` (augment.ts) followed by a table lookup per value; the tests check exactly that.
 */
import type { AugmentParams } from './augment';
import type { ImageShape } from './dataset';

/**
 * Writes image `index` of `images` (uint8 NHWC) into `out` starting at `outOffset`, mapping every
 * value v of channel c to `table[c * 256 + v]` (see normalize.ts). `params` null means no
 * augmentation. Pixels that fall in the zero padding get `table[c * 256 + 0]`, i.e. what a
 * black pixel normalizes to, as when padding the uint8 image with zeros. Assumes valid indices.
 */
export function writeSample(
  images: Uint8Array,
  index: number,
  shape: ImageShape,
  table: Float32Array,
  pad: number,
  params: AugmentParams | null,
  out: Float32Array,
  outOffset: number,
): void {
  const [h, w, c] = shape;
  const base = index * h * w * c;
  if (params === null || (pad === 0 && !params.flip)) {
    const n = h * w * c;
    if (c === 1) {
      for (let i = 0; i < n; i++) out[outOffset + i] = table[images[base + i]];
    } else {
      for (let i = 0; i < n; i += c) {
        for (let ch = 0; ch < c; ch++) out[outOffset + i + ch] = table[ch * 256 + images[base + i + ch]];
      }
    }
    return;
  }
  const dy = pad > 0 ? params.offsetY - pad : 0;
  const dx = pad > 0 ? params.offsetX - pad : 0;
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    const rowOut = outOffset + y * w * c;
    const rowIn = sy >= 0 && sy < h;
    for (let x = 0; x < w; x++) {
      const xPre = params.flip ? w - 1 - x : x;
      const sx = xPre + dx;
      const o = rowOut + x * c;
      if (rowIn && sx >= 0 && sx < w) {
        const s = base + (sy * w + sx) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = table[ch * 256 + images[s + ch]];
      } else {
        for (let ch = 0; ch < c; ch++) out[o + ch] = table[ch * 256];
      }
    }
  }
}
