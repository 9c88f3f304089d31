import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateGpus, type GpuState } from '../../../../daemon/training/local/gpu-allocator';

const gpu = (index: number, other = false, utilization = 0): GpuState => ({ index, utilization, memoryUsed: other ? 3000 : 0, memoryTotal: 16000, hasOtherProcesses: other });

test('picks the least loaded GPUs, lowest index first', () => {
  const result = allocateGpus({ gpus: [gpu(0), gpu(1), gpu(2)], trialsPerGpu: new Map([[0, 1]]), maxTrialNumberPerGpu: 2, useActiveGpu: false, gpuNumber: 2 });
  assert.deepEqual(result, { ok: true, indices: [1, 2] });
});

test('respects gpuIndices and maxTrialNumberPerGpu, naming each GPU state when waiting', () => {
  const result = allocateGpus({ gpus: [gpu(0), gpu(1, true, 82), gpu(2)], trialsPerGpu: new Map([[0, 1]]), gpuIndices: [0, 1], maxTrialNumberPerGpu: 1, useActiveGpu: false, gpuNumber: 1 });
  assert.deepEqual(result, { ok: false, reason: 'waiting for 1 free GPU: gpu 0 busy (1/1 trials), gpu 1 used by another process (82% util, 3000/16000 MiB)' });
});

test('useActiveGpu allows GPUs with other processes', () => {
  assert.deepEqual(allocateGpus({ gpus: [gpu(0, true)], trialsPerGpu: new Map(), maxTrialNumberPerGpu: 1, useActiveGpu: true, gpuNumber: 1 }), { ok: true, indices: [0] });
});

test('asking for more GPUs than usable says what to change', () => {
  const result = allocateGpus({ gpus: [gpu(0), gpu(1)], trialsPerGpu: new Map(), gpuIndices: [1, 5], maxTrialNumberPerGpu: 1, useActiveGpu: false, gpuNumber: 2 });
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.reason : '', /only 1 usable GPU .*gpu 5 \(in gpuIndices\) not found.*lower trialGpuNumber/);
  const none = allocateGpus({ gpus: [], trialsPerGpu: new Map(), maxTrialNumberPerGpu: 1, useActiveGpu: false, gpuNumber: 1 });
  assert.match(!none.ok ? none.reason : '', /nvidia-smi lists no GPU/);
});
