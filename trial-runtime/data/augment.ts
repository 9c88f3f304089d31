/**
 * Standard image augmentation as pure functions on uint8 NHWC images: random crop with zero
 * padding and horizontal flip. The random part is only the choice of parameters
 * (`drawAugmentParams`, from a seeded Rng); applying them is deterministic, so the batcher's
 * fused writer (sample-writer.ts) can be checked against these reference versions.
 */
import type { Rng } from '../../tuners/rng';
import type { ImageShape } from './dataset';

/** Which augmentation to apply; `pad` 0 disables cropping. */
export interface AugmentOptions {
  /** Zero padding on each side before a random crop back to the original size (4 for CIFAR). */
  pad: number;
  /** Flip horizontally with probability 1/2. */
  flip: boolean;
}

/**
 * The parameters of one augmented sample: the output pixel (y, x) comes from the padded image's
 * pixel (y + offsetY, x + offsetX), i.e. the source pixel (y + offsetY - pad, x + offsetX - pad),
 * zero outside the source; with `flip`, the result is mirrored left-right afterwards.
 */
export interface AugmentParams {
  offsetY: number;
  offsetX: number;
  flip: boolean;
}

/**
 * Draws the parameters of one sample: offsets uniform in [0, 2*pad], flip with probability 1/2.
 * Called once per sample, in batch order, so a seed fixes every draw of an epoch.
 */
export function drawAugmentParams(rng: Rng, options: AugmentOptions): AugmentParams {
  const span = 2 * options.pad + 1;
  const offsetY = options.pad > 0 ? rng.int(span) : 0;
  const offsetX = options.pad > 0 ? rng.int(span) : 0;
  const flip = options.flip ? rng.next() < 0.5 : false;
  return { offsetY, offsetX, flip };
}

/**
 * Pads `image` (one HWC image) with `pad` zero pixels on each side and crops a window of the
 * original size at (offsetY, offsetX) of the padded image. Returns a new array; offsets must lie
 * in [0, 2*pad] (throws RangeError otherwise).
 */
export function cropWithPadding(
  image: Uint8Array,
  shape: ImageShape,
  pad: number,
  offsetY: number,
  offsetX: number,
): Uint8Array {
  const [h, w, c] = shape;
  if (offsetY < 0 || offsetY > 2 * pad || offsetX < 0 || offsetX > 2 * pad) {
    throw new RangeError(`crop offsets (${offsetY}, ${offsetX}) must lie in [0, ${2 * pad}] for padding ${pad}`);
  }
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = y + offsetY - pad;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x + offsetX - pad;
      if (sx < 0 || sx >= w) continue;
      const src = (sy * w + sx) * c;
      const dst = (y * w + x) * c;
      for (let ch = 0; ch < c; ch++) out[dst + ch] = image[src + ch];
    }
  }
  return out;
}

/** Mirrors one HWC image left-right. Returns a new array. */
export function flipHorizontal(image: Uint8Array, shape: ImageShape): Uint8Array {
  const [h, w, c] = shape;
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (y * w + x) * c;
      const dst = (y * w + (w - 1 - x)) * c;
      for (let ch = 0; ch < c; ch++) out[dst + ch] = image[src + ch];
    }
  }
  return out;
}

/** Applies `params` to one image with the reference functions above (crop, then flip). */
export function applyAugment(image: Uint8Array, shape: ImageShape, pad: number, params: AugmentParams): Uint8Array {
  const cropped = pad > 0 ? cropWithPadding(image, shape, pad, params.offsetY, params.offsetX) : image.slice();
  return params.flip ? flipHorizontal(cropped, shape) : cropped;
}
