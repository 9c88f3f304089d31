import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../../daemon/errors';
import { checkClSchedule, levelAtEpoch, resolveEpochList } from '../../../../trial-runtime/train/close/close-schedule';

test('schedules in epochs or fractions: cl-2468 over 1000 epochs both ways, scaled to short runs', () => {
  assert.deepEqual(resolveEpochList([1, 201, 401, 601, 801], 1000, 'x'), [1, 201, 401, 601, 801]);
  assert.deepEqual(resolveEpochList([0, 0.2, 0.4, 0.6, 0.8], 1000, 'x'), [1, 201, 401, 601, 801]);
  assert.deepEqual(resolveEpochList([0, 0.2, 0.4, 0.6, 0.8], 10, 'x'), [1, 3, 5, 7, 9]);
  assert.deepEqual(resolveEpochList([0.4], 3, 'x'), [2]);
  assert.deepEqual(resolveEpochList([3, 1, 2], 3, 'x'), [1, 2, 3]);
  assert.throws(() => resolveEpochList([0, 2], 10, '/cl'), (e: unknown) => e instanceof ConfigError && e.path === '/cl' && /mixes/.test(e.message));
  assert.throws(() => resolveEpochList([1.5], 10, '/cl'), /mixes|epochs/);
  assert.throws(() => resolveEpochList('1', 10, '/cl'), ConfigError);
});

test('level = number of schedule entries <= epoch (1-based); NDS-style repeated entries add several blocks at once', () => {
  const cl = [1, 201, 401, 601, 801];
  assert.deepEqual([1, 200, 201, 400, 401, 800, 801, 1000].map((e) => levelAtEpoch(cl, e)), [1, 1, 2, 2, 3, 4, 5, 5]);
  const nds = [...new Array(9).fill(1), 201, 201, 401, 401, 601, 601, 801, 801];
  assert.deepEqual([1, 201, 401, 801].map((e) => levelAtEpoch(nds, e)), [9, 11, 13, 17]);
});

test('a schedule must start at epoch 1 and fit numCurriculums', () => {
  checkClSchedule([1, 2, 3], 3, '/cl');
  assert.throws(() => checkClSchedule([2, 3], 3, '/cl'), /must start at epoch 1/);
  assert.throws(() => checkClSchedule([1, 2, 3, 4], 3, '/cl'), /numCurriculums = 3/);
  assert.throws(() => checkClSchedule([], 3, '/cl'), /must not be empty/);
});
