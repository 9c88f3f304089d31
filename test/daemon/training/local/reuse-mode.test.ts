import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalTrainingService } from '../../../../daemon/training/local/local-training-service';
import type { TrialJob } from '../../../../daemon/training/training-service';
import { RecordingListener, SDK_PATH, makeJob, makeTempDir, withTimeout } from './recording-listener';

const WORKER = `
const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => {
  let p;
  while ((p = await sdk.getNextParameters()) !== null) {
    if (p.x === 13 && process.env.CRASH_ON_13 === '1') { console.error('worker crashed on 13'); await sdk.flush(); process.exit(7); }
    if (p.x === -1) await new Promise(() => setInterval(() => {}, 1000));
    console.log('trial', sdk.getTrialId());
    sdk.reportIntermediate(p.x);
    sdk.reportFinal(p.x * 2);
  }
  console.log('worker done');
})();
`;

function setup(killGraceMs = 1000) {
  const dir = makeTempDir('reuse');
  writeFileSync(path.join(dir.root, 'worker.js'), WORKER);
  const listener = new RecordingListener();
  const service = new LocalTrainingService({
    config: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: true },
    killGraceMs,
  });
  service.setListener(listener);
  return { dir, listener, service };
}

/** A tiny scheduler: keeps `concurrency` trials running, starting the next one inside onExit. */
function runQueue(service: LocalTrainingService, listener: RecordingListener, jobs: TrialJob[], concurrency: number): Promise<void> {
  let next = 0;
  let finished = 0;
  return withTimeout(
    new Promise<void>((resolve) => {
      const startOne = (): void => {
        const job = jobs[next++];
        if (job === undefined) return;
        assert.deepEqual(service.tryStart(job), { started: true });
      };
      listener.onExitHook = () => {
        finished += 1;
        if (finished === jobs.length) resolve();
        else startOne();
      };
      for (let i = 0; i < concurrency; i++) startOne();
    }),
    30000,
    'all reuse-mode trials',
  );
}

test('reuse mode runs 50 trials through 2 long-lived workers', async () => {
  const { dir, listener, service } = setup();
  try {
    const command = `"${process.execPath}" worker.js`;
    const jobs = Array.from({ length: 50 }, (_, i) => makeJob(dir.root, `r${i}`, command, { parameters: { x: i } }));
    const started = Date.now();
    await runQueue(service, listener, jobs, 2);
    for (let i = 0; i < 50; i++) {
      const exit = listener.exits.get(`r${i}`)!;
      assert.equal(exit.cause, 'exited');
      assert.equal(exit.exitCode, 0);
      assert.deepEqual(listener.metrics(`r${i}`), [
        { kind: 'intermediate', value: i },
        { kind: 'final', value: i * 2 },
      ]);
    }
    const workersDir = path.join(dir.root, 'workers');
    assert.deepEqual(readdirSync(workersDir).sort(), ['worker-0', 'worker-1']);
    assert.equal(service.trimIdleWorkers(0), 2);
    await service.shutdown();
    const logs = ['worker-0', 'worker-1'].map((w) => readFileSync(path.join(workersDir, w, 'stdout.log'), 'utf8'));
    assert.equal(logs.join('').match(/^trial r\d+$/gm)!.length, 50);
    for (const log of logs) assert.match(log, /worker done/);
    // Each worker's trials.jsonl records, in order, the trials it was given; trial folders stay empty.
    const records = ['worker-0', 'worker-1'].flatMap((w) => {
      const lines = readFileSync(path.join(workersDir, w, 'trials.jsonl'), 'utf8').trimEnd().split('\n');
      const parsed = lines.map((line) => JSON.parse(line) as { trialId: string; trialDir: string; parameters: { x: number }; sentAt: number });
      for (let i = 1; i < parsed.length; i++) assert.ok(parsed[i]!.sentAt >= parsed[i - 1]!.sentAt, `${w}: sentAt in order`);
      return parsed.map((r) => ({ ...r, worker: w }));
    });
    assert.equal(records.length, 50);
    const byTrial = new Map(records.map((r) => [r.trialId, r]));
    const ranOn = new Map<string, string>();
    logs.forEach((log, w) => {
      for (const m of log.matchAll(/^trial (r\d+)$/gm)) ranOn.set(m[1]!, `worker-${w}`);
    });
    for (let i = 0; i < 50; i++) {
      const record = byTrial.get(`r${i}`)!;
      assert.equal(record.trialDir, jobs[i]!.trialDir);
      assert.deepEqual(record.parameters, { x: i });
      assert.ok(record.sentAt >= started && record.sentAt <= Date.now());
      assert.equal(record.worker, ranOn.get(`r${i}`));
      assert.deepEqual(readdirSync(jobs[i]!.trialDir), []);
    }
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('a worker that dies mid-trial fails that trial with its exit code, and is replaced', async () => {
  const { dir, listener, service } = setup();
  try {
    const command = `"${process.execPath}" worker.js`;
    const jobs = Array.from({ length: 20 }, (_, i) =>
      makeJob(dir.root, `c${i}`, command, { parameters: { x: i }, env: { CRASH_ON_13: '1' } }),
    );
    await runQueue(service, listener, jobs, 1);
    const crashed = listener.exits.get('c13')!;
    assert.equal(crashed.cause, 'exited');
    assert.equal(crashed.exitCode, 7);
    assert.match(crashed.stderrTail!, /worker crashed on 13/);
    assert.equal(listener.exits.get('c14')!.exitCode, 0);
    assert.deepEqual(listener.metrics('c19'), [
      { kind: 'intermediate', value: 19 },
      { kind: 'final', value: 38 },
    ]);
    assert.deepEqual(readdirSync(path.join(dir.root, 'workers')).sort(), ['worker-0', 'worker-1']);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('reuse mode: maxDurationMs and kill end the worker, shutdown ends idle workers', async () => {
  const { dir, listener, service } = setup(300);
  try {
    const command = `"${process.execPath}" worker.js`;
    service.tryStart(makeJob(dir.root, 'h1', command, { parameters: { x: -1 }, maxDurationMs: 300 }));
    assert.equal((await listener.exited('h1')).cause, 'timeout');
    service.tryStart(makeJob(dir.root, 'h2', command, { parameters: { x: -1 } }));
    service.tryStart(makeJob(dir.root, 'h3', command, { parameters: { x: 3 } }));
    await listener.exited('h3');
    await listener.startedEvent('h2');
    await service.kill('h2');
    assert.equal(listener.exits.get('h2')!.cause, 'killed');
    // The worker of h3 is idle now: shutdown asks it to stop and it exits by itself.
    await service.shutdown();
    assert.match(readFileSync(path.join(dir.root, 'workers', 'worker-2', 'stdout.log'), 'utf8'), /worker done/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});
