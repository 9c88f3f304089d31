import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { chooseSubImageNet, readSubImageNetManifest, selectSubImageNet, writeSubImageNetManifest } from '../../../trial-runtime/data/sub-imagenet';
import { makeTempDir } from './fixtures';

const classes = Array.from({ length: 120 }, (_, i) => `n${String(i).padStart(8, '0')}`);
const imagesOf = (cls: string): string[] => Array.from({ length: 320 }, (_, i) => `${cls}_${i}.JPEG`);
const opts = { source: '/data/imagenet', numClasses: 100, trainPerClass: 250, valPerClass: 50, seed: 0 };

test('selectSubImageNet: 100 classes x 250 train / 50 val, disjoint, deterministic per seed', () => {
  const m = selectSubImageNet(classes, imagesOf, opts, '/data/imagenet/train');
  assert.equal(m.classes.length, 100);
  assert.deepEqual(m.classes, [...m.classes].sort());
  assert.equal(m.train.length, 25000);
  assert.equal(m.val.length, 5000);
  const trainSet = new Set(m.train.map((f) => f.file));
  assert.ok(m.val.every((f) => !trainSet.has(f.file)), 'val and train overlap');
  assert.ok(m.train.every((f) => f.file.startsWith(join('train', m.classes[f.label]))));
  assert.deepEqual(selectSubImageNet(classes, imagesOf, opts, 'w'), { ...m });
  const other = selectSubImageNet(classes, imagesOf, { ...opts, seed: 1 }, 'w');
  assert.notDeepEqual(other.classes, m.classes);
  // Exactly 100 candidates: all are used.
  assert.deepEqual(selectSubImageNet(classes.slice(0, 100), imagesOf, opts, 'w').classes, classes.slice(0, 100));
});

test('selectSubImageNet names the class with too few images', () => {
  assert.throws(
    () => selectSubImageNet(classes, (c) => (c === 'n00000005' ? ['a.JPEG'] : imagesOf(c)), { ...opts, numClasses: 120 }, '/src/train'),
    (e: unknown) => e instanceof DatasetError && e.file === join('/src/train', 'n00000005') && /1 images, the recipe needs 300/.test(e.message),
  );
  assert.throws(() => selectSubImageNet(classes.slice(0, 5), imagesOf, opts, '/src/train'), /5 classes available/);
});

test('chooseSubImageNet on a folder with a class list; manifest round trip', () => {
  const { dir, cleanup } = makeTempDir('subin');
  try {
    for (const cls of ['a', 'b', 'c', 'd']) {
      mkdirSync(join(dir, 'train', cls), { recursive: true });
      for (let i = 0; i < 6; i++) writeFileSync(join(dir, 'train', cls, `${i}.jpg`), '');
    }
    const list = join(dir, 'classes.txt');
    writeFileSync(list, '# subset\nd\nb\n\n');
    const options = { source: dir, classListFile: list, numClasses: 2, trainPerClass: 3, valPerClass: 2, seed: 4 };
    const m = chooseSubImageNet(options);
    assert.deepEqual(m.classes, ['b', 'd']);
    assert.equal(m.train.length, 6);
    assert.equal(m.val.length, 4);
    const out = join(dir, 'manifest.json');
    writeSubImageNetManifest(options, out);
    assert.deepEqual(readSubImageNetManifest(out), m);
    writeFileSync(list, 'b\nzzz\n');
    assert.throws(() => chooseSubImageNet(options), (e: unknown) => e instanceof DatasetError && e.file === join(dir, 'train', 'zzz'));
    writeFileSync(out, '{"recipe": "other"}');
    assert.throws(() => readSubImageNetManifest(out), (e: unknown) => e instanceof DatasetError && e.file === out);
  } finally {
    cleanup();
  }
});
