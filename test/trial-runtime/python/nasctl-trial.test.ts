import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalTrainingService } from '../../../daemon/training/local/local-training-service';
import { PYTHON_CLIENT_DIR, RecordingListener, makeJob, makeTempDir, withTimeout } from '../../daemon/training/local/recording-listener';

const TRIAL = `
import sys
sys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})
import nasctl_trial as nt
p = nt.get_next_parameters({"lr": 1})
for epoch in range(3):
    nt.report_intermediate_result(epoch / 10)
nt.report_final_result({"default": 0.9, "lr": p["lr"]})
print("params", p, nt.get_trial_id(), nt.get_experiment_id(), nt.is_under_nasctl())
print("next", nt.get_next_parameters())
`;

const WORKER = `
import sys
sys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})
import nasctl_trial as nt
while True:
    p = nt.get_next_parameters()
    if p is None:
        break
    nt.report_final_result(p["x"] + 0.5)
print("worker done", flush=True)
`;

test('python client: a spawned trial receives parameters and reports metrics', async () => {
  const dir = makeTempDir('py');
  const listener = new RecordingListener();
  const service = new LocalTrainingService({ config: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false } });
  service.setListener(listener);
  try {
    writeFileSync(path.join(dir.root, 'trial.py'), TRIAL);
    const job = makeJob(dir.root, 'p1', 'python3 trial.py');
    service.tryStart(job);
    const exit = await listener.exited('p1');
    assert.equal(exit.exitCode, 0, exit.stderrTail);
    assert.deepEqual(listener.metrics('p1'), [
      { kind: 'intermediate', value: 0 },
      { kind: 'intermediate', value: 0.1 },
      { kind: 'intermediate', value: 0.2 },
      { kind: 'final', value: { default: 0.9, lr: 0.1 } },
    ]);
    const hello = listener.messages.get('p1')![0]!;
    assert.equal(hello.type, 'hello');
    assert.equal(hello.type === 'hello' && hello.sdk, 'python');
    const stdout = readFileSync(path.join(job.trialDir, 'stdout.log'), 'utf8');
    assert.match(stdout, /params \{'lr': 0.1, 'op': 'conv3x3'\} p1 exp1 True/);
    assert.match(stdout, /next None/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('python client: reuse mode runs many trials in one worker', async () => {
  const dir = makeTempDir('pyreuse');
  const listener = new RecordingListener();
  const service = new LocalTrainingService({ config: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: true }, killGraceMs: 1000 });
  service.setListener(listener);
  try {
    writeFileSync(path.join(dir.root, 'worker.py'), WORKER);
    const jobs = Array.from({ length: 10 }, (_, i) => makeJob(dir.root, `q${i}`, 'python3 worker.py', { parameters: { x: i } }));
    let next = 0;
    const all = withTimeout(
      new Promise<void>((resolve) => {
        listener.onExitHook = () => {
          if (next < jobs.length) service.tryStart(jobs[next++]!);
          else resolve();
        };
      }),
      20000,
      'python reuse trials',
    );
    service.tryStart(jobs[next++]!);
    await all;
    for (let i = 0; i < 10; i++) assert.deepEqual(listener.metrics(`q${i}`), [{ kind: 'final', value: i + 0.5 }]);
    service.trimIdleWorkers(0);
    await service.shutdown();
    assert.match(readFileSync(path.join(dir.root, 'workers', 'worker-0', 'stdout.log'), 'utf8'), /worker done/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('python client standalone: defaults once, reports printed as JSON lines', () => {
  const dir = makeTempDir('pystandalone');
  try {
    writeFileSync(path.join(dir.root, 'trial.py'), TRIAL);
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('NASCTL_')) delete env[key];
    const out = execFileSync('python3', ['trial.py'], { cwd: dir.root, env, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(out.slice(0, 4).map((line) => JSON.parse(line)), [
      { type: 'metric', trialId: 'STANDALONE', kind: 'intermediate', value: 0 },
      { type: 'metric', trialId: 'STANDALONE', kind: 'intermediate', value: 0.1 },
      { type: 'metric', trialId: 'STANDALONE', kind: 'intermediate', value: 0.2 },
      { type: 'metric', trialId: 'STANDALONE', kind: 'final', value: { default: 0.9, lr: 1 } },
    ]);
    assert.equal(out[4], "params {'lr': 1} STANDALONE STANDALONE False");
    assert.equal(out[5], 'next None');
  } finally {
    dir.remove();
  }
});
