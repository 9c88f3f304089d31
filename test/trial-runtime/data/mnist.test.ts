import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { loadMnistIdx } from '../../../trial-runtime/data/mnist';
import { idxBytes, makeTempDir, pixel, writeMnistFolder } from './fixtures';

for (const gzip of [false, true]) {
  test(`loadMnistIdx reads ${gzip ? 'gzip' : 'plain'} IDX files value by value`, async () => {
    const { dir, cleanup } = makeTempDir('mnist');
    try {
      writeMnistFolder(dir, 12, 5, 4, 3, gzip);
      const ds = await loadMnistIdx(dir, 'mnist');
      assert.deepEqual(ds.shape, [4, 3, 1]);
      assert.equal(ds.train.size, 12);
      assert.equal(ds.test?.size, 5);
      assert.equal(ds.train.labels[11], 1);
      assert.equal(ds.train.images[(7 * 4 + 2) * 3 + 1], pixel(7, 2, 1, 0));
      assert.equal(ds.test?.images[(4 * 4 + 3) * 3 + 2], pixel(1004, 3, 2, 0));
    } finally {
      cleanup();
    }
  });
}

test('loadMnistIdx names a missing folder and a missing file with the expected files', async () => {
  const { dir, cleanup } = makeTempDir('mnist');
  try {
    const gone = join(dir, 'nope');
    await assert.rejects(loadMnistIdx(gone, 'mnist'), (e: unknown) => e instanceof DatasetError && e.file === gone && /train-images-idx3-ubyte/.test(e.message));
    writeMnistFolder(dir, 3, 2, 2, 2, false);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    const missing = join(dir, 't10k-labels-idx1-ubyte');
    await assert.rejects(loadMnistIdx(dir, 'mnist'), (e: unknown) => e instanceof DatasetError && e.file === missing && /download/.test(e.message));
  } finally {
    cleanup();
  }
});

test('loadMnistIdx rejects swapped files, count mismatches and bad labels, naming the file', async () => {
  const { dir, cleanup } = makeTempDir('mnist');
  try {
    writeMnistFolder(dir, 3, 2, 2, 2, false);
    const labelsFile = join(dir, 'train-labels-idx1-ubyte');
    const imagesFile = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(imagesFile, idxBytes([3], Uint8Array.from([0, 1, 2])));
    await assert.rejects(loadMnistIdx(dir, 'mnist'), (e: unknown) => e instanceof DatasetError && e.file === imagesFile && /magic/.test(e.message));
    writeFileSync(imagesFile, idxBytes([3, 2, 2], new Uint8Array(12)));
    writeFileSync(labelsFile, idxBytes([4], Uint8Array.from([0, 1, 2, 3])));
    await assert.rejects(loadMnistIdx(dir, 'mnist'), (e: unknown) => e instanceof DatasetError && e.file === labelsFile && /4 labels but/.test(e.message));
    writeFileSync(labelsFile, idxBytes([3], Uint8Array.from([0, 10, 2])));
    await assert.rejects(loadMnistIdx(dir, 'mnist'), (e: unknown) => e instanceof DatasetError && e.file === labelsFile && /label 10 at index 1/.test(e.message));
  } finally {
    cleanup();
  }
});
