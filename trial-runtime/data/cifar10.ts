/**
 * CIFAR-10 from the official binary version (`cifar-10-binary.tar.gz`, extracted):
 * `data_batch_1.bin` .. `data_batch_5.bin` (50,000 training images) and `test_batch.bin`
 * (10,000), records of 1 label byte + 3,072 pixel bytes. The folder may be the extracted
 * `cifar-10-batches-bin/` itself or its parent.
 */
import { join } from 'node:path';
import { CIFAR_SHAPE, concatSplits, readCifarFile, resolveCifarDir } from './cifar-records';
import type { SourceDataset } from './dataset';

/** Files expected in the CIFAR-10 folder. */
export const CIFAR10_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
/** Class names in label order (batches.meta.txt). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const HOW_TO_GET = 'download the binary version from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it there';

/**
 * Loads CIFAR-10 train (the five data batches, in order) and test from `root`. Throws
 * DatasetError naming the missing folder or file, or the malformed file.
 */
export async function loadCifar10(root: string): Promise<SourceDataset> {
  const dir = resolveCifarDir(root, 'cifar-10-batches-bin', CIFAR10_FILES, HOW_TO_GET);
  const batches = [];
  for (const f of CIFAR10_FILES.slice(0, 5)) batches.push(await readCifarFile(join(dir, f), 1, 0, 10));
  const test = await readCifarFile(join(dir, 'test_batch.bin'), 1, 0, 10);
  return { name: 'cifar10', numClasses: 10, shape: CIFAR_SHAPE, train: concatSplits(batches), test, classNames: CIFAR10_CLASSES };
}
