import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type BatcherOptions } from '../../../trial-runtime/data/batcher';
import type { Batch, ImageSplit } from '../../../trial-runtime/data/dataset';

/** n 1x1x1 images whose pixel and label are the sample index. */
function indexSplit(n: number): ImageSplit {
  return { size: n, images: Uint8Array.from({ length: n }, (_, i) => i), labels: Uint8Array.from({ length: n }, (_, i) => i) };
}

async function collect(b: Batcher, epoch: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of b.epoch(epoch)) out.push(batch);
  return out;
}

const labelsOf = (batches: Batch[]): number[] => batches.flatMap((b) => [...b.y]);

test('every sample appears exactly once per epoch, x matching y', async () => {
  const b = new Batcher(indexSplit(103), [1, 1, 1], { batchSize: 10, seed: 1 });
  const batches = await collect(b, 0);
  assert.equal(batches.length, 11);
  assert.equal(b.batchesPerEpoch, 11);
  assert.equal(batches[10].size, 3);
  assert.equal(batches[10].x.length, 3);
  const ys = labelsOf(batches);
  assert.deepEqual([...ys].sort((a, c) => a - c), Array.from({ length: 103 }, (_, i) => i));
  for (const batch of batches) for (let i = 0; i < batch.size; i++) assert.equal(Math.round(batch.x[i] * 255), batch.y[i]);
});

test('dropLast drops the incomplete batch', async () => {
  const b = new Batcher(indexSplit(10), [1, 1, 1], { batchSize: 4, dropLast: true });
  const batches = await collect(b, 0);
  assert.deepEqual(batches.map((x) => x.size), [4, 4]);
  assert.equal(b.batchesPerEpoch, 2);
});

test('order is deterministic per (seed, epoch), differs across epochs and seeds', async () => {
  const make = (seed: number): Batcher => new Batcher(indexSplit(64), [1, 1, 1], { batchSize: 8, seed });
  const e0 = labelsOf(await collect(make(3), 0));
  assert.deepEqual(labelsOf(await collect(make(3), 0)), e0);
  assert.notDeepEqual(labelsOf(await collect(make(3), 1)), e0);
  assert.notDeepEqual(labelsOf(await collect(make(4), 0)), e0);
  const unshuffled = new Batcher(indexSplit(64), [1, 1, 1], { batchSize: 8, shuffle: false });
  assert.deepEqual(labelsOf(await collect(unshuffled, 5)), Array.from({ length: 64 }, (_, i) => i));
});

test('normalization is applied per channel', async () => {
  const split = { size: 1, images: Uint8Array.from([0, 255, 51, 102]), labels: Uint8Array.from([0]) }; // 1x2x2
  const b = new Batcher(split, [1, 2, 2], { batchSize: 1, normalization: { mean: [0.5, 0.1], std: [0.5, 0.2] } });
  const [batch] = await collect(b, 0);
  const expected = [(0 - 0.5) / 0.5, (1 - 0.1) / 0.2, (0.2 - 0.5) / 0.5, (0.4 - 0.1) / 0.2];
  batch.x.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`));
});

test('augmentation is seeded and changes images', async () => {
  const n = 16;
  const len = 6 * 6 * 3;
  const split = { size: n, images: Uint8Array.from({ length: n * len }, (_, i) => 1 + (i % 250)), labels: new Uint8Array(n) };
  const opts: BatcherOptions = { batchSize: 4, seed: 9, shuffle: false, augment: { pad: 2, flip: true } };
  const a = await collect(new Batcher(split, [6, 6, 3], opts), 0);
  const b = await collect(new Batcher(split, [6, 6, 3], opts), 0);
  assert.deepEqual(a.map((x) => [...x.x]), b.map((x) => [...x.x]));
  const plain = await collect(new Batcher(split, [6, 6, 3], { ...opts, augment: null }), 0);
  const changed = a.filter((batch, k) => batch.x.some((v, i) => v !== plain[k].x[i])).length;
  assert.ok(changed > 0, 'augmentation changed nothing');
  // Zero padding shows as exact zeros (pixels are 1..250 elsewhere, scaled to [0,1]).
  assert.ok(a.some((batch) => batch.x.some((v) => v === 0)), 'no padded pixel seen');
  const other = await collect(new Batcher(split, [6, 6, 3], { ...opts, seed: 10 }), 0);
  assert.notDeepEqual(a.map((x) => [...x.x]), other.map((x) => [...x.x]));
});

test('prefetch: batch k+1 is produced while the consumer works on batch k', async () => {
  const prepared: number[] = [];
  const b = new Batcher(indexSplit(50), [1, 1, 1], { batchSize: 10, onPrepared: ({ index }) => prepared.push(index) });
  let k = 0;
  for await (const batch of b.epoch(0)) {
    assert.equal(batch.size, 10);
    // When batch k arrives, k+1 has been scheduled but not produced yet (production is asynchronous) ...
    assert.equal(prepared.length, k + 1);
    // ... and one turn of the event loop of consumer work (e.g. awaiting a training step) is
    // enough for batch k+1 to be ready before the consumer asks for it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(prepared.length, Math.min(k + 2, 5), `after consuming batch ${k}`);
    k++;
  }
  assert.equal(k, 5);
});

test('constructor rejects bad options', () => {
  assert.throws(() => new Batcher(indexSplit(4), [1, 1, 1], { batchSize: 0 }), RangeError);
  assert.throws(() => new Batcher(indexSplit(4), [2, 1, 1], { batchSize: 2 }), /expected 8 values/);
  assert.throws(() => new Batcher(indexSplit(4), [1, 1, 1], { batchSize: 2, augment: { pad: -1, flip: false } }), RangeError);
});
