import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { decodeLabeledFiles } from '../../../trial-runtime/data/image-folder';
import { loadDataset } from '../../../trial-runtime/data/load-dataset';
import { writeSubImageNetManifest } from '../../../trial-runtime/data/sub-imagenet';
import { CLASS_COLORS, makeTempDir, writeImageFolder } from './fixtures';

// The image-folder loader is exercised through loadDataset (its only caller), on real JPEG/PNG files.
test('imagenet-folder: sorted class labels, resize to imageSize, val folder, JPEG + PNG', async () => {
  const { dir, cleanup } = makeTempDir('folder');
  try {
    const classes = ['zebra', 'apple', 'mango'];
    writeImageFolder(dir, 'train', classes, 4);
    writeImageFolder(dir, 'val', classes, 2);
    writeFileSync(join(dir, 'train', 'apple', 'notes.txt'), 'ignored: not an image');
    const ds = await loadDataset({ name: 'imagenet-folder', root: dir, imageSize: 8 });
    assert.deepEqual(ds.classNames, ['apple', 'mango', 'zebra']);
    assert.deepEqual(ds.shape, [8, 8, 3]);
    assert.equal(ds.train.size, 12);
    assert.equal(ds.val.size, 6);
    assert.equal(ds.test, undefined);
    for (const split of [ds.train, ds.val]) {
      for (let i = 0; i < split.size; i++) {
        const color = CLASS_COLORS[classes.indexOf(ds.classNames?.[split.labels[i]] ?? '')];
        const px = split.images.subarray(i * 192 + 99, i * 192 + 102); // pixel (4, 1)
        px.forEach((v, c) => assert.ok(Math.abs(v - color[c]) < 10, `sample ${i} channel ${c}: ${v} vs ${color[c]}`));
      }
    }
    // Without val/: split off the training files; a stray class in val/ is an error.
    const noVal = makeTempDir('folder2');
    try {
      writeImageFolder(noVal.dir, 'train', ['a', 'b'], 5);
      const s = await loadDataset({ name: 'imagenet-folder', root: noVal.dir, imageSize: 4, valFraction: 0.4, limit: { train: 5 } });
      assert.deepEqual([s.train.size, s.val.size], [5, 4]);
      writeImageFolder(noVal.dir, 'val', ['c'], 1);
      await assert.rejects(loadDataset({ name: 'imagenet-folder', root: noVal.dir, imageSize: 4 }), (e: unknown) => e instanceof DatasetError && e.file === join(noVal.dir, 'val', 'c'));
    } finally {
      noVal.cleanup();
    }
    // A corrupt image is named.
    writeFileSync(join(dir, 'val', 'mango', 'img9.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]));
    await assert.rejects(loadDataset({ name: 'imagenet-folder', root: dir, imageSize: 8 }), (e: unknown) => e instanceof DatasetError && e.file === join(dir, 'val', 'mango', 'img9.jpg'));
  } finally {
    cleanup();
  }
});

test('imagenet-folder from a sub-ImageNet manifest', async () => {
  const { dir, cleanup } = makeTempDir('manifest');
  try {
    writeImageFolder(dir, 'train', ['x', 'y', 'z'], 5);
    const manifest = join(dir, 'sub.json');
    writeSubImageNetManifest({ source: dir, numClasses: 2, trainPerClass: 3, valPerClass: 2, seed: 1 }, manifest);
    const ds = await loadDataset({ name: 'imagenet-folder', manifest, imageSize: 6 });
    assert.equal(ds.numClasses, 2);
    assert.deepEqual([ds.train.size, ds.val.size], [6, 4]);
  } finally {
    cleanup();
  }
});

test('decodeLabeledFiles: a corrupt image is named even while the next (unreadable) file is being read ahead', async () => {
  const { dir, cleanup } = makeTempDir('readahead');
  try {
    const corrupt = join(dir, 'a.jpg');
    writeFileSync(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]));
    const files = [{ file: corrupt, label: 0 }, { file: join(dir, 'missing.jpg'), label: 0 }];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await assert.rejects(decodeLabeledFiles(files, 4, 1, 1), (e: unknown) => e instanceof DatasetError && e.file === corrupt);
      // The call settles its read-ahead of missing.jpg before it rejects; one more turn lets Node
      // report any rejection nobody handled.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  } finally {
    cleanup();
  }
});
