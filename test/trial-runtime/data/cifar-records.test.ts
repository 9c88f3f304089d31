import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCifarRecords } from '../../../trial-runtime/data/cifar-records';
import { cifarRecords, pixel } from './fixtures';

test('parseCifarRecords converts channel-planar records to NHWC', () => {
  const s = parseCifarRecords(cifarRecords(5, 2, (n) => [n % 10]), 'f', 1, 0, 10);
  assert.equal(s.size, 2);
  assert.deepEqual([...s.labels], [5, 6]);
  for (const [n, y, x, c] of [[0, 0, 0, 0], [1, 31, 2, 2], [1, 7, 30, 1]]) {
    assert.equal(s.images[n * 3072 + (y * 32 + x) * 3 + c], pixel(5 + n, y, x, c));
  }
});

