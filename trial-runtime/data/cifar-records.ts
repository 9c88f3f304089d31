/**
 * The CIFAR binary record format: each record is `labelBytes` label bytes followed by 3,072 pixel
 * bytes, a 32x32 image stored channel-planar (1,024 red, then 1,024 green, then 1,024 blue, each
 * row-major). Records are converted to NHWC here.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './dataset-error';
import type { ImageShape, ImageSplit } from './dataset';

/** CIFAR images are 32x32 RGB. */
export const CIFAR_SHAPE: ImageShape = [32, 32, 3];
const PLANE = 32 * 32;
const PIXEL_BYTES = 3 * PLANE;

/**
 * Decodes the records of one file. `labelIndex` picks which of the `labelBytes` label bytes is
 * the label (CIFAR-100: 0 = coarse, 1 = fine). Throws DatasetError naming `file` when its size is
 * not a whole number of records or a label is not below `numClasses`.
 */
export function parseCifarRecords(
  buf: Uint8Array,
  file: string,
  labelBytes: number,
  labelIndex: number,
  numClasses: number,
): ImageSplit {
  const recordBytes = labelBytes + PIXEL_BYTES;
  if (buf.length === 0 || buf.length % recordBytes !== 0) {
    throw new DatasetError(
      file,
      `${file}: size ${buf.length} bytes is not a multiple of the ${recordBytes}-byte CIFAR record (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + 3072 pixels); ` +
        'use the "binary version" of the dataset, not the Python or MATLAB one',
    );
  }
  const size = buf.length / recordBytes;
  const images = new Uint8Array(size * PIXEL_BYTES);
  const labels = new Uint8Array(size);
  for (let r = 0; r < size; r++) {
    const base = r * recordBytes;
    const label = buf[base + labelIndex];
    if (label >= numClasses) {
      throw new DatasetError(file, `${file}: record ${r} has label ${label}, expected 0..${numClasses - 1}; is this the right CIFAR variant?`);
    }
    labels[r] = label;
    const px = base + labelBytes;
    const out = r * PIXEL_BYTES;
    for (let i = 0; i < PLANE; i++) {
      images[out + 3 * i] = buf[px + i];
      images[out + 3 * i + 1] = buf[px + PLANE + i];
      images[out + 3 * i + 2] = buf[px + 2 * PLANE + i];
    }
  }
  return { size, images, labels };
}

/** Concatenates splits in order. */
export function concatSplits(splits: ImageSplit[]): ImageSplit {
  const size = splits.reduce((a, s) => a + s.size, 0);
  const images = new Uint8Array(splits.reduce((a, s) => a + s.images.length, 0));
  const labels = new Uint8Array(size);
  let i = 0;
  let n = 0;
  for (const s of splits) {
    images.set(s.images, i);
    labels.set(s.labels, n);
    i += s.images.length;
    n += s.size;
  }
  return { size, images, labels };
}

/**
 * Resolves the folder that holds `files`: `root` itself or its `subfolder` (as the official
 * archive extracts). Throws DatasetError naming the first missing file and how to get it.
 */
export function resolveCifarDir(root: string, subfolder: string, files: string[], howToGet: string): string {
  if (!existsSync(root)) {
    throw new DatasetError(root, `dataset folder ${root} does not exist; expected it (or ${subfolder}/ inside it) to hold ${files.join(', ')}; ${howToGet}`);
  }
  const dir = existsSync(join(root, files[0])) ? root : join(root, subfolder);
  for (const f of files) {
    const p = join(dir, f);
    if (!existsSync(p)) {
      throw new DatasetError(p, `missing ${p}; expected ${files.join(', ')} in ${root} or ${join(root, subfolder)}; ${howToGet}`);
    }
  }
  return dir;
}

/** Reads one CIFAR binary file (see parseCifarRecords). */
export async function readCifarFile(file: string, labelBytes: number, labelIndex: number, numClasses: number): Promise<ImageSplit> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new DatasetError(file, `${file}: cannot read the CIFAR file`, { cause: err });
  }
  return parseCifarRecords(buf, file, labelBytes, labelIndex, numClasses);
}
