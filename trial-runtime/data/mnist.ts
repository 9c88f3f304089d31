/**
 * MNIST (and Fashion-MNIST, which ships in the same format) from IDX files in one folder:
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each optionally gzip-compressed with a `.gz` suffix.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from './dataset-error';
import type { ImageShape, ImageSplit, SourceDataset } from './dataset';
import { findIdxFile, readIdxFile } from './idx-file';

/** The four file names of the MNIST distribution (without .gz). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const HOW_TO_GET =
  'download the four files from the dataset\'s site (MNIST: https://yann.lecun.com/exdb/mnist/ or a mirror; ' +
  'Fashion-MNIST: https://github.com/zalandoresearch/fashion-mnist) into that folder; .gz files may stay compressed';

/** Reads one images/labels pair and checks they agree. */
async function readPair(root: string, imagesName: string, labelsName: string, numClasses: number): Promise<{ split: ImageSplit; shape: ImageShape }> {
  const imagesFile = findIdxFile(root, imagesName);
  const labelsFile = findIdxFile(root, labelsName);
  for (const [file, name] of [[imagesFile, imagesName], [labelsFile, labelsName]] as const) {
    if (file === undefined) {
      throw new DatasetError(join(root, name), `missing ${join(root, name)} (or ${name}.gz); expected ${Object.values(MNIST_FILES).join(', ')}; ${HOW_TO_GET}`);
    }
  }
  const images = await readIdxFile(imagesFile as string, 3);
  const labels = await readIdxFile(labelsFile as string, 1);
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) {
    throw new DatasetError(labelsFile as string, `${labelsFile}: ${labels.dims[0]} labels but ${imagesFile} has ${n} images; the files do not belong together`);
  }
  for (let i = 0; i < n; i++) {
    if (labels.data[i] >= numClasses) {
      throw new DatasetError(labelsFile as string, `${labelsFile}: label ${labels.data[i]} at index ${i} is not a class (expected 0..${numClasses - 1})`);
    }
  }
  return { split: { size: n, images: images.data, labels: labels.data }, shape: [h, w, 1] };
}

/**
 * Loads train and test from the IDX files in `root` as dataset `name` (10 classes). Throws
 * DatasetError naming the missing folder or file (with how to get it) or the malformed file.
 */
export async function loadMnistIdx(root: string, name: string): Promise<SourceDataset> {
  if (!existsSync(root)) {
    throw new DatasetError(root, `dataset folder ${root} does not exist; expected it to hold ${Object.values(MNIST_FILES).join(', ')}; ${HOW_TO_GET}`);
  }
  const train = await readPair(root, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, 10);
  const test = await readPair(root, MNIST_FILES.testImages, MNIST_FILES.testLabels, 10);
  if (train.shape[0] !== test.shape[0] || train.shape[1] !== test.shape[1]) {
    throw new DatasetError(
      join(root, MNIST_FILES.testImages),
      `test images are ${test.shape[0]}x${test.shape[1]} but training images are ${train.shape[0]}x${train.shape[1]}`,
    );
  }
  return { name, numClasses: 10, shape: train.shape, train: train.split, test: test.split };
}
