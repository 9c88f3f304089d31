import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalTrainingService } from '../../../../daemon/training/local/local-training-service';
import type { LocalTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, makeJob, makeTempDir, withTimeout } from './recording-listener';
import { fakeNvidiaSmi, type FakeGpu } from './fake-nvidia-smi';

const idle = (index: number, pids: number[] = []): FakeGpu => ({ index, util: pids.length ? 82 : 0, used: pids.length ? 3000 : 0, total: 16000, pids });

function setup(config: Partial<LocalTrainingServiceConfig>) {
  const dir = makeTempDir('gpu');
  const smi = fakeNvidiaSmi(dir.root);
  const listener = new RecordingListener();
  const refreshes = new RefreshWaiter();
  const service = new LocalTrainingService({
    onGpuRefresh: () => refreshes.notify(),
    config: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false, ...config },
    nvidiaSmiPath: smi.path,
    gpuPollMinIntervalMs: 100,
    killGraceMs: 500,
  });
  service.setListener(listener);
  return { dir, smi, listener, service, refreshes };
}

test('GPU jobs wait for a fresh snapshot, then get GPUs via CUDA_VISIBLE_DEVICES up to maxTrialNumberPerGpu', async () => {
  const { dir, smi, listener, service } = setup({ maxTrialNumberPerGpu: 1 });
  try {
    smi.set([idle(0), idle(1), idle(2)]);
    const cmd = 'echo "$CUDA_VISIBLE_DEVICES" > cuda.txt; exec sleep 1000';
    const jobA = makeJob(dir.root, 'g1', cmd, { gpuNumber: 2, cwd: '' });
    jobA.cwd = jobA.trialDir;
    const first = service.tryStart(jobA);
    assert.equal(first.started, false);
    assert.equal(!first.started && first.wait.kind, 'gpu');
    await listener.capacity();
    assert.deepEqual(service.tryStart(jobA), { started: true, gpuIndices: [0, 1] });
    const jobB = makeJob(dir.root, 'g2', cmd, { gpuNumber: 1 });
    jobB.cwd = jobB.trialDir;
    assert.deepEqual(service.tryStart(jobB), { started: true, gpuIndices: [2] });
    // Asked at once, while the snapshot is fresh (starting the processes may take longer than it stays fresh).
    const third = service.tryStart(makeJob(dir.root, 'g3', 'true', { gpuNumber: 1 }));
    assert.deepEqual(third, { started: false, wait: { kind: 'gpu', message: 'waiting for 1 free GPU: gpu 0 busy (1/1 trials), gpu 1 busy (1/1 trials), gpu 2 busy (1/1 trials)' } });
    await listener.startedEvent('g1');
    await listener.startedEvent('g2');
    assert.deepEqual(listener.started.get('g1')!.gpuIndices, [0, 1]);
    assert.deepEqual(listener.started.get('g2')!.gpuIndices, [2]);
    await service.kill('g1');
    assert.equal(readFileSync(path.join(jobA.trialDir, 'cuda.txt'), 'utf8'), '0,1\n');
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('gpuIndices and useActiveGpu=false skip busy GPUs; capacity follows when the GPU frees up', async () => {
  const { dir, smi, listener, service, refreshes } = setup({ gpuIndices: [1, 2], useActiveGpu: false });
  try {
    smi.set([idle(0), idle(1, [999999]), idle(2, [999998])]);
    const job = makeJob(dir.root, 'g4', 'exit 0', { gpuNumber: 1 });
    const refreshed = refreshes.next();
    assert.equal(service.tryStart(job).started, false);
    await refreshed;
    const waiting = service.tryStart(job);
    assert.deepEqual(waiting, {
      started: false,
      wait: { kind: 'gpu', message: 'waiting for 1 free GPU: gpu 1 used by another process (82% util, 3000/16000 MiB), gpu 2 used by another process (82% util, 3000/16000 MiB)' },
    });
    const capacity = listener.capacity();
    smi.set([idle(0), idle(1, [999999]), idle(2)]);
    await capacity;
    assert.deepEqual(service.tryStart(job), { started: true, gpuIndices: [2] });
    await listener.startedEvent('g4');
    assert.deepEqual(listener.started.get('g4')!.gpuIndices, [2]);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('our own trial processes on a GPU are not "other processes"; nvidia-smi failures are a wait reason', async () => {
  const { dir, smi, listener, service, refreshes } = setup({ maxTrialNumberPerGpu: 2 });
  try {
    smi.set([idle(0)]);
    const first = makeJob(dir.root, 'g5', 'sleep 1000 & wait', { gpuNumber: 1 });
    service.tryStart(first);
    await listener.capacity();
    assert.deepEqual(service.tryStart(first), { started: true, gpuIndices: [0] });
    await listener.startedEvent('g5');
    const ours = listener.started.get('g5')!.pid!;
    smi.set([idle(0, [ours])]);
    const second = makeJob(dir.root, 'g6', 'sleep 1000', { gpuNumber: 1 });
    // A job that cannot fit (3 GPUs) keeps the service polling; the next snapshot shows our pid.
    const refreshed = refreshes.next();
    assert.equal(service.tryStart(makeJob(dir.root, 'g7', 'true', { gpuNumber: 3 })).started, false);
    await refreshed;
    const result = service.tryStart(second);
    assert.deepEqual(result, { started: true, gpuIndices: [0] }, JSON.stringify(result));
    writeFileSync(path.join(dir.root, 'gpus.json'), 'not json');
    await service.kill('g5');
    const failed = refreshes.next();
    const broken = service.tryStart(makeJob(dir.root, 'g8', 'true', { gpuNumber: 1 }));
    assert.equal(broken.started, false);
    await failed;
    const reason = service.tryStart(makeJob(dir.root, 'g8', 'true', { gpuNumber: 1 }));
    assert.match(!reason.started ? reason.wait.message : '', /nvidia-smi not found \/ failed/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

/** Counts nvidia-smi refreshes; `next()` resolves on the next one (bounded). */
class RefreshWaiter {
  private waiters: Array<() => void> = [];
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
  next(): Promise<void> {
    return withTimeout(new Promise<void>((resolve) => this.waiters.push(resolve)), 10000, 'an nvidia-smi refresh');
  }
}
