import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { loadDataset, type DatasetSpec } from '../../../trial-runtime/data/load-dataset';
import { cifarRecords, makeTempDir, writeMnistFolder } from './fixtures';

test('mnist: validation split off train (default 10%), limits, fashion-mnist from IDX files', async () => {
  const { dir, cleanup } = makeTempDir('load');
  try {
    writeMnistFolder(dir, 100, 20, 4, 4, true);
    const ds = await loadDataset({ name: 'mnist', root: dir, seed: 3 });
    assert.equal(ds.train.size, 90);
    assert.equal(ds.val.size, 10);
    assert.equal(ds.test?.size, 20);
    assert.deepEqual([...ds.val.labels].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const limited = await loadDataset({ name: 'mnist', root: dir, seed: 3, valFraction: 0.2, limit: { train: 7, val: 3, test: 4 } });
    assert.deepEqual([limited.train.size, limited.val.size, limited.test?.size], [7, 3, 4]);
    const fm = await loadDataset({ name: 'fashion-mnist', root: dir });
    assert.equal(fm.name, 'fashion-mnist');
    assert.equal(fm.train.size, 90);
  } finally {
    cleanup();
  }
});

test('cifar10 through loadDataset', async () => {
  const { dir, cleanup } = makeTempDir('load');
  try {
    for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarRecords(b * 20, 20, (n) => [n % 10]));
    writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(0, 10, (n) => [n % 10]));
    const ds = await loadDataset({ name: 'cifar10', root: dir, valFraction: 0.2 });
    assert.deepEqual([ds.train.size, ds.val.size, ds.test?.size], [80, 20, 10]);
    assert.equal(ds.classNames?.[0], 'airplane');
  } finally {
    cleanup();
  }
});

test('missing root and unknown names give clear errors', async () => {
  await assert.rejects(loadDataset({ name: 'cifar10' }), (e: unknown) => e instanceof DatasetError && /needs root: a folder with data_batch_1.bin/.test(e.message));
  await assert.rejects(loadDataset({ name: 'cifar100', root: '/nonexistent/c100' }), (e: unknown) => e instanceof DatasetError && e.file === '/nonexistent/c100' && /train.bin/.test(e.message));
  await assert.rejects(loadDataset({ name: 'imagenet-folder', root: '/nonexistent/in' }), (e: unknown) => e instanceof DatasetError && e.file === '/nonexistent/in');
  await assert.rejects(loadDataset({ name: 'svhn', root: '/x' } as unknown as DatasetSpec), /unknown dataset "svhn"/);
  await assert.rejects(loadDataset({ name: 'mnist', root: '/x', valFraction: 1 }), RangeError);
});
