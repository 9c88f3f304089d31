import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineLeftMs, gpuKeyOf, workerTrialLine } from '../../../daemon/training/service-common';
import type { TrialJob } from '../../../daemon/training/training-service';

const job = { trialId: 't1', trialDir: '/x/trials/t1', parameters: { lr: 0.1 } } as unknown as TrialJob;

test('deadlineLeftMs counts from the trial\'s start, never below 0', () => {
  assert.equal(deadlineLeftMs(5000, undefined, 1_000_000), 5000);
  assert.equal(deadlineLeftMs(5000, 998_000, 1_000_000), 3000);
  assert.equal(deadlineLeftMs(5000, 990_000, 1_000_000), 0);
  // A start in the future (clock step) does not lengthen the limit.
  assert.equal(deadlineLeftMs(5000, 1_002_000, 1_000_000), 5000);
});

test('gpuKeyOf: jobs without a GPU count share key -1', () => {
  assert.equal(gpuKeyOf(job), -1);
  assert.equal(gpuKeyOf({ ...job, gpuNumber: 2 }), 2);
});

test('workerTrialLine is one JSON line with the trial, its folder and parameters', () => {
  const line = workerTrialLine(job, 42);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
  assert.deepEqual(JSON.parse(line), { trialId: 't1', trialDir: '/x/trials/t1', parameters: { lr: 0.1 }, sentAt: 42 });
});
