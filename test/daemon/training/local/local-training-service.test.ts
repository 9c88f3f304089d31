import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { LocalTrainingService, spawnerWanted } from '../../../../daemon/training/local/local-training-service';
import { SpawnerLauncher } from '../../../../daemon/training/local/spawner-client';
import type { LocalTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, SDK_PATH, groupAlive, makeJob, makeTempDir } from './recording-listener';

const CONFIG: LocalTrainingServiceConfig = { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false };

function setup(killGraceMs = 5000, spawner?: boolean) {
  const dir = makeTempDir('local');
  const listener = new RecordingListener();
  const service = new LocalTrainingService({ config: CONFIG, killGraceMs, ...(spawner === undefined ? {} : { spawner }) });
  service.setListener(listener);
  return { dir, listener, service };
}

const NODE_TRIAL = `
const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => {
  const p = await sdk.getNextParameters({ lr: 1 });
  for (let epoch = 0; epoch < 3; epoch++) sdk.reportIntermediate(epoch / 10);
  sdk.reportFinal({ default: 0.93, lr: p.lr });
  console.log('params', JSON.stringify(p), sdk.getTrialId(), sdk.getExperimentId(), sdk.isUnderNasctl());
  console.log('next', await sdk.getNextParameters());
  await sdk.flush();
  process.exit(0);
})();
`;

test('a node SDK trial receives its parameters and reports intermediate and final metrics', async () => {
  const { dir, listener, service } = setup();
  try {
    writeFileSync(path.join(dir.root, 'trial.js'), NODE_TRIAL);
    const job = makeJob(dir.root, 't1', `"${process.execPath}" trial.js`, { env: { EXTRA_VAR: 'x' } });
    assert.deepEqual(service.tryStart(job), { started: true });
    const exit = await listener.exited('t1');
    assert.equal(exit.cause, 'exited');
    assert.equal(exit.exitCode, 0);
    assert.ok(listener.started.get('t1')?.pid! > 0);
    assert.deepEqual(listener.metrics('t1'), [
      { kind: 'intermediate', value: 0 },
      { kind: 'intermediate', value: 0.1 },
      { kind: 'intermediate', value: 0.2 },
      { kind: 'final', value: { default: 0.93, lr: 0.1 } },
    ]);
    assert.equal(listener.messages.get('t1')![0]!.type, 'hello');
    assert.deepEqual(listener.order[0], 'started:t1');
    assert.equal(listener.order.at(-1), 'exit:t1');
    const stdout = readFileSync(path.join(job.trialDir, 'stdout.log'), 'utf8');
    assert.match(stdout, /params \{"lr":0.1,"op":"conv3x3"\} t1 exp1 true/);
    assert.match(stdout, /next null/);
    assert.deepEqual(JSON.parse(readFileSync(path.join(job.trialDir, 'parameters.json'), 'utf8')), job.parameters);
    assert.equal(listener.malformed.length, 0);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('the environment carries NASCTL_* variables, job env and CUDA_VISIBLE_DEVICES="" for CPU trials', async () => {
  const { dir, listener, service } = setup();
  try {
    const job = makeJob(dir.root, 't2', 'env | grep -E "^(NASCTL_|EXTRA_VAR|CUDA_VISIBLE_DEVICES)" | sort', {
      env: { EXTRA_VAR: 'hello' },
      gpuNumber: 0,
    });
    service.tryStart(job);
    await listener.exited('t2');
    const lines = readFileSync(path.join(job.trialDir, 'stdout.log'), 'utf8').trim().split('\n');
    assert.deepEqual(lines, [
      'CUDA_VISIBLE_DEVICES=',
      'EXTRA_VAR=hello',
      'NASCTL_CHANNEL_FD=3',
      'NASCTL_EXPERIMENT_ID=exp1',
      `NASCTL_TRIAL_DIR=${job.trialDir}`,
      'NASCTL_TRIAL_ID=t2',
      'NASCTL_TRIAL_SEQUENCE=2',
    ]);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('malformed lines are reported and counted; the daemon side keeps going', async () => {
  const { dir, listener, service } = setup();
  try {
    const script = [
      `echo 'not json' >&3`,
      `echo '{"type":"metric","trialId":"t3","kind":"final"}' >&3`,
      `echo '{"type":"launch_missiles"}' >&3`,
      `echo '[1,2]' >&3`,
      `echo '{"type":"metric","trialId":"t3","kind":"final","value":0.5}' >&3`,
      `printf '{"type":"metric","trialId":"t3","kind":"final","value":0.7}' >&3`,
    ].join('\n');
    writeFileSync(path.join(dir.root, 'bad.sh'), script);
    service.tryStart(makeJob(dir.root, 't3', 'bash bad.sh'));
    const exit = await listener.exited('t3');
    assert.equal(exit.exitCode, 0);
    assert.equal(listener.malformed.length, 5);
    assert.match(listener.malformed[0]!.error, /not valid JSON/);
    assert.match(listener.malformed[1]!.error, /value/);
    assert.match(listener.malformed[2]!.error, /not a known message type/);
    assert.match(listener.malformed[4]!.error, /incomplete line/);
    assert.deepEqual(listener.metrics('t3'), [{ kind: 'final', value: 0.5 }]);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('a crashing trial ends with its exit code and the tail of stderr', async () => {
  const { dir, listener, service } = setup();
  try {
    service.tryStart(makeJob(dir.root, 't4', 'for i in $(seq 1 2000); do echo "noise line $i" >&2; done; echo "Traceback: boom" >&2; exit 3'));
    const exit = await listener.exited('t4');
    assert.equal(exit.cause, 'exited');
    assert.equal(exit.exitCode, 3);
    assert.ok(exit.stderrTail!.length <= 4096);
    assert.match(exit.stderrTail!, /Traceback: boom\n$/);
    assert.match(exit.stderrTail!, /^noise line \d+\n/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('a trial whose working directory is missing ends as lost with an actionable detail', async () => {
  const { dir, listener, service } = setup();
  try {
    service.tryStart(makeJob(dir.root, 't5', 'true', { cwd: path.join(dir.root, 'nope') }));
    const exit = await listener.exited('t5');
    assert.equal(exit.cause, 'lost');
    assert.match(exit.detail!, /does not exist; check trialCodeDirectory/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('kill sends SIGTERM, then SIGKILL to a trial that ignores SIGTERM', async () => {
  const { dir, listener, service } = setup(300);
  try {
    // The trap prints, so the test knows SIGTERM arrived before SIGKILL.
    const job = makeJob(dir.root, 't6', `trap 'echo got-term' TERM; echo '{"type":"log","level":"info","message":"ready"}' >&3; while true; do sleep 0.05; done`);
    service.tryStart(job);
    await listener.message('t6', 'log');
    const started = Date.now();
    await service.kill('t6');
    const exit = listener.exits.get('t6')!;
    assert.equal(exit.cause, 'killed');
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(Date.now() - started >= 250, 'SIGKILL only after the grace period');
    assert.match(readFileSync(path.join(job.trialDir, 'stdout.log'), 'utf8'), /got-term/);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('killing a trial leaves no process of its group behind (orphan test)', async () => {
  const { dir, listener, service } = setup(2000);
  try {
    const job = makeJob(dir.root, 't7', `sleep 1000 & echo '{"type":"log","level":"info","message":"ready"}' >&3; wait`);
    service.tryStart(job);
    await listener.message('t7', 'log');
    const pgid = listener.started.get('t7')!.pid!;
    assert.ok(await groupAlive(pgid));
    await service.kill('t7');
    assert.equal(listener.exits.get('t7')!.cause, 'killed');
    assert.equal(await groupAlive(pgid), false, 'the grandchild `sleep 1000` must be gone');
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('a trial that exits leaving a background child does not leak it', async () => {
  const { dir, listener, service } = setup();
  try {
    service.tryStart(makeJob(dir.root, 't8', 'sleep 1000 & exit 0'));
    const exit = await listener.exited('t8');
    assert.equal(exit.exitCode, 0);
    assert.equal(await groupAlive(listener.started.get('t8')!.pid!), false);
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('maxDurationMs kills the trial with cause timeout', async () => {
  const { dir, listener, service } = setup(500);
  try {
    service.tryStart(makeJob(dir.root, 't9', 'sleep 1000', { maxDurationMs: 200 }));
    const exit = await listener.exited('t9');
    assert.equal(exit.cause, 'timeout');
    assert.equal(exit.signal, 'SIGTERM');
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('shutdown kills every running trial and resolves when their groups are empty', async () => {
  const { dir, listener, service } = setup(1000);
  try {
    service.tryStart(makeJob(dir.root, 't10', 'sleep 1000 & sleep 1000 & wait'));
    service.tryStart(makeJob(dir.root, 't11', 'sleep 1000'));
    await listener.startedEvent('t10');
    await listener.startedEvent('t11');
    await service.shutdown();
    for (const id of ['t10', 't11']) {
      assert.equal(listener.exits.get(id)?.cause, 'killed');
      assert.equal(await groupAlive(listener.started.get(id)!.pid!), false);
    }
    const refused = service.tryStart(makeJob(dir.root, 't12', 'true'));
    assert.equal(refused.started, false);
  } finally {
    dir.remove();
  }
});

test('starting a trial that already runs is a conflict', async () => {
  const { dir, listener, service } = setup(500);
  try {
    const job = makeJob(dir.root, 't13', 'sleep 1000');
    service.tryStart(job);
    assert.throws(() => service.tryStart(job), { name: 'ConflictError' });
    await listener.startedEvent('t13');
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('a trial outlives a SIGKILLed spawner: its messages still arrive and it ends lost, with the reason', async () => {
  const { dir, listener, service } = setup(500, true);
  try {
    assert.ok(service.launcher instanceof SpawnerLauncher);
    const fifo = path.join(dir.root, 'go.fifo');
    execFileSync('mkfifo', [fifo]);
    const job = makeJob(dir.root, 't14', [
      `echo '{"type":"log","level":"info","message":"ready"}' >&3`,
      `read -r x < ${JSON.stringify(fifo)}`,
      `echo '{"type":"metric","trialId":"t14","kind":"final","value":0.25}' >&3`,
    ].join('\n'));
    service.tryStart(job);
    await listener.message('t14', 'log');
    process.kill(service.launcher.spawnerPid!, 'SIGKILL');
    writeFileSync(fifo, 'go\n');
    const exit = await listener.exited('t14');
    assert.equal(exit.cause, 'lost');
    assert.match(exit.detail!, /spawner process that started this trial ended \(signal SIGKILL\).*exit status is unknown/);
    assert.deepEqual(listener.metrics('t14'), [{ kind: 'final', value: 0.25 }]);
    service.tryStart(makeJob(dir.root, 't15', 'exit 0'));
    assert.equal((await listener.exited('t15')).exitCode, 0, 'a new spawner starts the next trial');
  } finally {
    await service.shutdown();
    dir.remove();
  }
});

test('NASCTL_SPAWNER=0 selects direct spawns; the option overrides the environment', () => {
  assert.equal(spawnerWanted(undefined, {}), true);
  assert.equal(spawnerWanted(undefined, { NASCTL_SPAWNER: '0' }), false);
  assert.equal(spawnerWanted(undefined, { NASCTL_SPAWNER: '1' }), true);
  assert.equal(spawnerWanted(true, { NASCTL_SPAWNER: '0' }), true);
  assert.equal(spawnerWanted(false, {}), false);
});
