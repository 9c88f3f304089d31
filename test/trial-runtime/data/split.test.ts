import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitIndices, limitSplit, splitIndices, takeSamples } from '../../../trial-runtime/data/split';

const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 600 ? i % 3 : 3));

test('splitIndices partitions all indices, stratified by class', () => {
  const s = splitIndices(labels, 4, 0.1, 7);
  assert.equal(s.train.length + s.val.length, 1000);
  const all = new Set([...s.train, ...s.val]);
  assert.equal(all.size, 1000);
  const perClass = [0, 0, 0, 0];
  for (const i of s.val) perClass[labels[i]]++;
  assert.deepEqual(perClass, [20, 20, 20, 40]);
  assert.ok(s.val.every((v, i) => i === 0 || s.val[i - 1] < v), 'sorted');
});

test('splitIndices is deterministic per seed and differs across seeds', () => {
  assert.deepEqual(splitIndices(labels, 4, 0.2, 1), splitIndices(labels, 4, 0.2, 1));
  assert.notDeepEqual([...splitIndices(labels, 4, 0.2, 1).val], [...splitIndices(labels, 4, 0.2, 2).val]);
  assert.equal(splitIndices(labels, 4, 0, 1).val.length, 0);
  assert.throws(() => splitIndices(labels, 4, 1, 1), RangeError);
});

test('limitIndices and takeSamples pick the right samples', () => {
  const l = limitIndices(100, 10, 3);
  assert.equal(l.length, 10);
  assert.deepEqual(l, limitIndices(100, 10, 3));
  assert.equal(new Set(l).size, 10);
  assert.equal(limitIndices(5, 10, 3).length, 5);
  const split = { size: 3, images: Uint8Array.from([1, 1, 2, 2, 3, 3]), labels: Uint16Array.from([7, 8, 9]) };
  const t = takeSamples(split, [1, 2, 1], Uint32Array.from([2, 0]));
  assert.deepEqual([...t.images], [3, 3, 1, 1]);
  assert.deepEqual([...t.labels], [9, 7]);
  assert.ok(t.labels instanceof Uint16Array);
  assert.equal(limitSplit(split, [1, 2, 1], undefined, 0), split);
  assert.equal(limitSplit(split, [1, 2, 1], 2, 0).size, 2);
});
