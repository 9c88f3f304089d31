/**
 * CIFAR-100 from the official binary version (`cifar-100-binary.tar.gz`, extracted): `train.bin`
 * (50,000) and `test.bin` (10,000), records of 2 label bytes (coarse, fine) + 3,072 pixel bytes.
 * The fine label (100 classes) is used unless the coarse one (20 superclasses) is asked for. The
 * folder may be the extracted `cifar-100-binary/` itself or its parent.
 */
import { join } from 'node:path';
import { CIFAR_SHAPE, readCifarFile, resolveCifarDir } from './cifar-records';
import type { SourceDataset } from './dataset';

/** Files expected in the CIFAR-100 folder. */
export const CIFAR100_FILES = ['train.bin', 'test.bin'];
const HOW_TO_GET = 'download the binary version from https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz and extract it there';

/** Which CIFAR-100 label to use. */
export type Cifar100Label = 'fine' | 'coarse';

/**
 * Loads CIFAR-100 train and test from `root`. Throws DatasetError naming the missing folder or
 * file, or the malformed file.
 */
export async function loadCifar100(root: string, label: Cifar100Label = 'fine'): Promise<SourceDataset> {
  const dir = resolveCifarDir(root, 'cifar-100-binary', CIFAR100_FILES, HOW_TO_GET);
  const labelIndex = label === 'fine' ? 1 : 0;
  const numClasses = label === 'fine' ? 100 : 20;
  const train = await readCifarFile(join(dir, 'train.bin'), 2, labelIndex, numClasses);
  const test = await readCifarFile(join(dir, 'test.bin'), 2, labelIndex, numClasses);
  return { name: 'cifar100', numClasses, shape: CIFAR_SHAPE, train, test };
}
