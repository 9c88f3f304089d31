import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifar10 } from '../../../trial-runtime/data/cifar10';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { cifarRecords, makeTempDir, pixel } from './fixtures';

test('loadCifar10 reads five batches and the test batch (also from cifar-10-batches-bin/)', async () => {
  const { dir, cleanup } = makeTempDir('cifar10');
  try {
    const sub = join(dir, 'cifar-10-batches-bin');
    mkdirSync(sub);
    for (let b = 1; b <= 5; b++) writeFileSync(join(sub, `data_batch_${b}.bin`), cifarRecords(b * 10, 3, (n) => [n % 10]));
    writeFileSync(join(sub, 'test_batch.bin'), cifarRecords(100, 4, (n) => [n % 10]));
    for (const root of [dir, sub]) {
      const ds = await loadCifar10(root);
      assert.equal(ds.train.size, 15);
      assert.equal(ds.test?.size, 4);
      assert.deepEqual(ds.shape, [32, 32, 3]);
      assert.equal(ds.train.labels[3], 0); // batch 2, sample 20
      assert.equal(ds.train.images[3 * 3072 + (4 * 32 + 5) * 3 + 1], pixel(20, 4, 5, 1));
    }
    writeFileSync(join(sub, 'data_batch_3.bin'), cifarRecords(0, 2, () => [1]).subarray(0, 5000));
    const bad = join(sub, 'data_batch_3.bin');
    await assert.rejects(loadCifar10(dir), (e: unknown) => e instanceof DatasetError && e.file === bad && /multiple of the 3073-byte/.test(e.message));
    rmSync(join(sub, 'test_batch.bin'));
    await assert.rejects(loadCifar10(dir), (e: unknown) => e instanceof DatasetError && e.file === join(sub, 'test_batch.bin') && /cifar-10-binary/.test(e.message));
    await assert.rejects(loadCifar10(join(dir, 'absent')), (e: unknown) => e instanceof DatasetError && e.file === join(dir, 'absent'));
  } finally {
    cleanup();
  }
});

