import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifar100 } from '../../../trial-runtime/data/cifar100';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { cifarRecords, makeTempDir, pixel } from './fixtures';

test('loadCifar100 uses the fine label by default, coarse on request', async () => {
  const { dir, cleanup } = makeTempDir('cifar100');
  try {
    writeFileSync(join(dir, 'train.bin'), cifarRecords(0, 6, (n) => [n % 20, 50 + n]));
    writeFileSync(join(dir, 'test.bin'), cifarRecords(6, 2, (n) => [n % 20, 90 + n]));
    const fine = await loadCifar100(dir);
    assert.equal(fine.numClasses, 100);
    assert.deepEqual([...fine.train.labels], [50, 51, 52, 53, 54, 55]);
    assert.deepEqual([...(fine.test?.labels ?? [])], [96, 97]);
    assert.equal(fine.train.images[2 * 3072 + 2], pixel(2, 0, 0, 2));
    const coarse = await loadCifar100(dir, 'coarse');
    assert.equal(coarse.numClasses, 20);
    assert.deepEqual([...coarse.train.labels], [0, 1, 2, 3, 4, 5]);
    // A CIFAR-10 file given as CIFAR-100: 3073-byte records are not a multiple of 3074.
    writeFileSync(join(dir, 'train.bin'), cifarRecords(0, 2, () => [1]));
    await assert.rejects(loadCifar100(dir), (e: unknown) => e instanceof DatasetError && e.file === join(dir, 'train.bin') && /3074-byte/.test(e.message));
  } finally {
    cleanup();
  }
});
