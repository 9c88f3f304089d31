/**
 * Decoding of JPEG (jpeg-js) and PNG (pngjs) files to RGB uint8 HWC arrays, chosen by the file's
 * magic bytes rather than its name. pngjs ships no type declarations; the small part used here is
 * typed locally.
 */
import * as jpeg from 'jpeg-js';
import { DatasetError } from './dataset-error';

/** A decoded RGB image. `data.length === height * width * 3`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

interface PngImage {
  width: number;
  height: number;
  data: Uint8Array;
}
interface PngModule {
  PNG: {
    sync: {
      read(buffer: Uint8Array, options?: Record<string, unknown>): PngImage;
      write(png: PngImage, options?: { colorType?: number; inputColorType?: number; inputHasAlpha?: boolean }): Buffer;
    };
  };
}

function pngModule(): PngModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pngjs') as PngModule;
}

/** True when `buf` starts with the PNG signature. */
function isPng(buf: Uint8Array): boolean {
  return buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47;
}

/** True when `buf` starts with the JPEG SOI marker. */
function isJpeg(buf: Uint8Array): boolean {
  return buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
}

/**
 * Decodes a JPEG or PNG file's bytes to RGB (alpha dropped, grayscale expanded). Throws
 * DatasetError naming `file` when the bytes are neither format or fail to decode.
 */
export function decodeImage(buf: Uint8Array, file: string): RgbImage {
  try {
    if (isJpeg(buf)) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
    if (isPng(buf)) {
      const img = pngModule().PNG.sync.read(buf);
      const n = img.width * img.height;
      const data = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) {
        data[3 * i] = img.data[4 * i];
        data[3 * i + 1] = img.data[4 * i + 1];
        data[3 * i + 2] = img.data[4 * i + 2];
      }
      return { width: img.width, height: img.height, data };
    }
  } catch (err) {
    throw new DatasetError(file, `${file}: cannot decode the image (${(err as Error).message}); remove or replace the file`, { cause: err });
  }
  throw new DatasetError(file, `${file}: not a JPEG or PNG file (unknown magic bytes); remove it from the dataset folder or convert it`);
}

/** Encodes an RGB image as PNG (used to write test fixtures and previews). */
export function encodePng(image: RgbImage): Buffer {
  return pngModule().PNG.sync.write(image, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Encodes an RGB image as JPEG at `quality` (1..100). */
export function encodeJpeg(image: RgbImage, quality = 90): Buffer {
  const n = image.width * image.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = image.data[3 * i];
    rgba[4 * i + 1] = image.data[3 * i + 1];
    rgba[4 * i + 2] = image.data[3 * i + 2];
    rgba[4 * i + 3] = 255;
  }
  return jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality).data;
}
