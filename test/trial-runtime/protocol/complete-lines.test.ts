import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeLines } from '../../../trial-runtime/protocol/complete-lines';

test('completeLines: lines up to the last newline, empty ones left out; a partial tail is no line', () => {
  assert.deepEqual(completeLines(Buffer.from('x\n\ny\nz')), ['x', 'y']);
  assert.deepEqual(completeLines(Buffer.from('partial')), []);
  assert.deepEqual(completeLines(Buffer.alloc(0)), []);
});
