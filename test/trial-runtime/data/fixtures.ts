/**
 * Test fixtures: temp folders and small dataset files written in the real on-disk formats
 * (IDX, CIFAR binary records, JPEG/PNG class folders). Pixel values are a known function of
 * (sample, y, x, channel) so loaders can be checked value by value.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeJpeg, encodePng } from '../../../trial-runtime/data/image-codec';

/** Creates a temp folder; returns it and a cleanup function. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `nasctl-data-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The known pixel value of sample n at (y, x, c). */
export function pixel(n: number, y: number, x: number, c: number): number {
  return (n * 31 + y * 7 + x * 3 + c * 50) % 256;
}

/** Encodes an unsigned-byte IDX array. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Writes an MNIST-style folder: n train / m test images of h x w with labels i % 10. */
export function writeMnistFolder(dir: string, n: number, m: number, h: number, w: number, gzip: boolean): void {
  const write = (name: string, buf: Buffer): void => writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(buf) : buf);
  for (const [prefix, count, offset] of [['train', n, 0], ['t10k', m, 1000]] as const) {
    const images = new Uint8Array(count * h * w);
    for (let i = 0; i < count; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) images[(i * h + y) * w + x] = pixel(i + offset, y, x, 0);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    write(`${prefix}-images-idx3-ubyte`, idxBytes([count, h, w], images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes([count], labels));
  }
}

/** CIFAR records (channel-planar) for samples first..first+count-1 with the given label bytes. */
export function cifarRecords(first: number, count: number, labelsOf: (n: number) => number[]): Buffer {
  const parts: Buffer[] = [];
  for (let n = first; n < first + count; n++) {
    const labels = labelsOf(n);
    const rec = Buffer.alloc(labels.length + 3072);
    labels.forEach((l, i) => (rec[i] = l));
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rec[labels.length + c * 1024 + y * 32 + x] = pixel(n, y, x, c);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

/** A solid-color RGB image of h x w. */
export function solidImage(h: number, w: number, rgb: [number, number, number]): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) data.set(rgb, i * 3);
  return { width: w, height: h, data };
}

/** Class colors for image-folder fixtures: each class is a distinct solid color. */
export const CLASS_COLORS: [number, number, number][] = [
  [250, 10, 10],
  [10, 250, 10],
  [10, 10, 250],
];

/**
 * Writes `<dir>/<split>/<class>/img<i>.(jpg|png)` with `perClass` images per class, alternating
 * JPEG and PNG, various sizes, each of its class's solid color.
 */
export function writeImageFolder(dir: string, split: string, classes: string[], perClass: number): void {
  classes.forEach((cls, k) => {
    mkdirSync(join(dir, split, cls), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const img = solidImage(10 + i, 14 + 2 * i, CLASS_COLORS[k % CLASS_COLORS.length]);
      const buf = i % 2 === 0 ? encodePng(img) : encodeJpeg(img, 95);
      writeFileSync(join(dir, split, cls, `img${i}.${i % 2 === 0 ? 'png' : 'jpg'}`), buf);
    }
  });
}
