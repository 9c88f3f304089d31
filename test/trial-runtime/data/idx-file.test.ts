import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../../trial-runtime/data/dataset-error';
import { parseIdx, readIdxFile } from '../../../trial-runtime/data/idx-file';
import { idxBytes, makeTempDir } from './fixtures';

test('parseIdx reads dims and data', () => {
  const r = parseIdx(idxBytes([2, 1, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])), 'f', 3);
  assert.deepEqual(r.dims, [2, 1, 3]);
  assert.deepEqual([...r.data], [1, 2, 3, 4, 5, 6]);
});

test('parseIdx names the file on a bad magic number, a wrong size or a short header', () => {
  const labels = idxBytes([3], Uint8Array.from([1, 2, 3]));
  assert.throws(() => parseIdx(labels, 'x/labels', 3), (e: unknown) => e instanceof DatasetError && e.file === 'x/labels' && /magic number 0x00000801, expected 0x00000803/.test(e.message));
  assert.throws(() => parseIdx(labels.subarray(0, labels.length - 1), 'x/l', 1), (e: unknown) => e instanceof DatasetError && /does not match its IDX header/.test(e.message));
  assert.throws(() => parseIdx(Uint8Array.from([0, 0]), 'x/s', 1), /too short/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]), 'x/h', 3), /too short for an IDX header/);
});

test('readIdxFile reports corrupt gzip with the file name', async () => {
  const { dir, cleanup } = makeTempDir('idx');
  try {
    const f = join(dir, 'bad.gz');
    writeFileSync(f, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await assert.rejects(readIdxFile(f, 1), (e: unknown) => e instanceof DatasetError && e.file === f && /gzip/.test(e.message));
  } finally {
    cleanup();
  }
});
