/**
 * Geometric transforms of uint8 HWC images used when loading image folders: bilinear resize
 * (half-pixel centers, as OpenCV / TF `align_corners=false`), resize of the shorter side, and
 * center crop. Pure functions.
 */
import type { RgbImage } from './image-codec';

/** Resizes with bilinear interpolation to outH x outW; channels `c`. Throws RangeError on empty sizes. */
export function resizeBilinear(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  if (h <= 0 || w <= 0 || outH <= 0 || outW <= 0) throw new RangeError(`cannot resize ${h}x${w} to ${outH}x${outW}`);
  const out = new Uint8Array(outH * outW * c);
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      const o = (y * outW + x) * c;
      for (let ch = 0; ch < c; ch++) {
        const top = src[(y0 * w + x0) * c + ch] * (1 - wx) + src[(y0 * w + x1) * c + ch] * wx;
        const bottom = src[(y1 * w + x0) * c + ch] * (1 - wx) + src[(y1 * w + x1) * c + ch] * wx;
        out[o + ch] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

/** Resizes so that the shorter side becomes `size`, keeping the aspect ratio (RGB). */
export function resizeShorterSide(img: RgbImage, size: number): RgbImage {
  const scale = size / Math.min(img.width, img.height);
  const width = Math.max(size, Math.round(img.width * scale));
  const height = Math.max(size, Math.round(img.height * scale));
  if (width === img.width && height === img.height) return img;
  return { width, height, data: resizeBilinear(img.data, img.height, img.width, 3, height, width) };
}

/** Crops the central outH x outW window (RGB). Throws RangeError when the image is smaller. */
export function centerCrop(img: RgbImage, outH: number, outW: number): RgbImage {
  if (img.height < outH || img.width < outW) throw new RangeError(`cannot crop ${outH}x${outW} from ${img.height}x${img.width}`);
  const top = Math.floor((img.height - outH) / 2);
  const left = Math.floor((img.width - outW) / 2);
  const data = new Uint8Array(outH * outW * 3);
  for (let y = 0; y < outH; y++) {
    const start = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(start, start + outW * 3), y * outW * 3);
  }
  return { width: outW, height: outH, data };
}

/**
 * The standard evaluation transform: resize the shorter side to round(size / cropRatio) (256 for
 * 224 with the usual 0.875), then center-crop size x size. With cropRatio 1 the shorter side is
 * resized to `size` and the longer one center-cropped.
 */
export function resizeAndCenterCrop(img: RgbImage, size: number, cropRatio = 1): RgbImage {
  return centerCrop(resizeShorterSide(img, Math.round(size / cropRatio)), size, size);
}
