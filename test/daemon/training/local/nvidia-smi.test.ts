import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseComputeAppsCsv, parseGpuCsv, queryGpus, toGpuStates } from '../../../../daemon/training/local/nvidia-smi';

test('parses the GPU and compute-app CSVs and marks only foreign processes', () => {
  const gpus = parseGpuCsv('0, GPU-aaa, 5, 300, 16000\n1, GPU-bbb, [N/A], 9000, 16000\n');
  assert.deepEqual(gpus[1], { index: 1, uuid: 'GPU-bbb', utilization: 0, memoryUsed: 9000, memoryTotal: 16000 });
  const apps = parseComputeAppsCsv('GPU-aaa, 100\nGPU-bbb, 200\n\nNo running processes found\n');
  assert.deepEqual(apps, [{ gpuUuid: 'GPU-aaa', pid: 100 }, { gpuUuid: 'GPU-bbb', pid: 200 }]);
  const states = toGpuStates(gpus, apps, new Set([100]));
  assert.deepEqual(states.map((s) => s.hasOtherProcesses), [false, true]);
  assert.throws(() => parseGpuCsv('garbage'), /unexpected nvidia-smi --query-gpu line "garbage"/);
});

test('a missing nvidia-smi becomes a clear reason, not an exception', async () => {
  const result = await queryGpus('/nonexistent/nvidia-smi', async () => false);
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.reason : '', /^nvidia-smi not found \/ failed: .*ENOENT/);
});
