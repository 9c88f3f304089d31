import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SlurmTrainingService } from '../../../../daemon/training/slurm/slurm-training-service';
import type { SlurmTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, SDK_PATH, PYTHON_CLIENT_DIR, makeJob, makeTempDir, withTimeout } from '../local/recording-listener';
import { cancelJobs, jobsKnownToSlurm, queuedJobs, requireSlurm, NODE } from './slurm-test-kit';
import { until } from '../../server/daemon-process';

const CONFIG: SlurmTrainingServiceConfig = { platform: 'slurm', reuseMode: false, cpusPerTrial: 1 };
const available = requireSlurm();

/** A TS trial: gets parameters through the SDK (file channel), reports 2 metrics, optionally waits for a file first. */
function tsTrial(root: string, waitFor?: string): string {
  writeFileSync(
    path.join(root, 'trial.js'),
    `const fs = require('fs');
const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => {
  const p = await sdk.getNextParameters();
  sdk.reportIntermediate(0.5);
  ${waitFor ? `while (!fs.existsSync(${JSON.stringify(waitFor)})) await new Promise((r) => setTimeout(r, 50));` : ''}
  sdk.reportFinal({ default: p.lr * 10, under: sdk.isUnderNasctl() ? 1 : 0 });
  await sdk.flush();
})();`,
  );
  return `${JSON.stringify(NODE)} trial.js`;
}

describe('SlurmTrainingService on a real Slurm cluster', { skip: !available }, () => {
  const dir = makeTempDir('slurm-svc');
  after(() => {
    cancelJobs('nasctl-svc');
    dir.remove();
  });

  it('spawn mode: a TS trial gets its parameters and reports metrics through the file channel', async () => {
    const listener = new RecordingListener();
    const service = new SlurmTrainingService({ config: CONFIG, minPollMs: 300, maxPollMs: 2000 });
    service.setListener(listener);
    try {
      const job = makeJob(dir.root, 't1', tsTrial(dir.root), { experimentId: 'svc1' });
      assert.deepEqual(service.tryStart(job), { started: true });
      const exit = await listener.exited('t1', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.equal(exit.exitCode, 0);
      assert.deepEqual(listener.metrics('t1'), [
        { kind: 'intermediate', value: 0.5 },
        { kind: 'final', value: { default: 1, under: 1 } },
      ]);
      assert.match(String(listener.started.get('t1') && (listener.started.get('t1') as { jobId?: string }).jobId), /^\d+$/);
      assert.match(readFileSync(path.join(job.trialDir, 'slurm_job_id'), 'utf8'), /^\d+\n$/);
      assert.equal(listener.order.at(-1), 'exit:t1');
    } finally {
      await service.shutdown();
    }
    assert.deepEqual(queuedJobs('nasctl-svc1-'), []);
  });

  it('a job cancelled from outside with scancel ends lost, with Slurm\'s state in the detail', async () => {
    const listener = new RecordingListener();
    const service = new SlurmTrainingService({ config: CONFIG, minPollMs: 300, maxPollMs: 1000 });
    service.setListener(listener);
    try {
      const job = makeJob(dir.root, 't2', tsTrial(dir.root, path.join(dir.root, 'never')), { experimentId: 'svc2' });
      service.tryStart(job);
      await listener.message('t2', 'metric', 60_000);
      const jobId = readFileSync(path.join(job.trialDir, 'slurm_job_id'), 'utf8').trim();
      execFileSync('scancel', [jobId]);
      const exit = await listener.exited('t2', 30_000);
      assert.equal(exit.cause, 'lost', JSON.stringify(exit));
      assert.match(exit.detail ?? '', new RegExp(`^Slurm: CANCELLED( by \\d+)? \\(job ${jobId} cancelled`));
    } finally {
      await service.shutdown();
    }
  });

  it('kill() and shutdown() cancel jobs, pending ones included, and leave none in squeue', async () => {
    const listener = new RecordingListener();
    const service = new SlurmTrainingService({ config: { ...CONFIG, cpusPerTrial: 2 }, minPollMs: 300, maxPollMs: 1000 });
    service.setListener(listener);
    const pending: string[] = [];
    for (const id of ['k1', 'k2', 'k3']) {
      service.tryStart(makeJob(dir.root, id, tsTrial(dir.root, path.join(dir.root, 'never')), { experimentId: 'svc3' }));
      pending.push(id);
    }
    // Two cores, two CPUs per job: k2 and k3 wait for Resources; the pending reason is reported.
    const reasons = new Map<string, string | undefined>();
    const sawPending = new Promise<void>((resolve) => {
      listener.onPending = (id, r) => {
        reasons.set(id, r);
        if (r?.startsWith('waiting: ')) resolve();
      };
    });
    await withTimeout(sawPending, 30_000, 'a pending reason');
    assert.ok([...reasons.values()].some((r) => /^waiting: (Resources|Priority)$/.test(r ?? '')), JSON.stringify([...reasons]));
    // Whichever job Slurm runs first (concurrent sbatch calls reach the controller in any order).
    const running = await until(() => pending.find((id) => listener.metrics(id).length > 0), 60_000, 'a metric from the job Slurm runs');
    await service.kill(running);
    assert.equal(listener.exits.get(running)?.cause, 'killed');
    await service.shutdown();
    for (const id of pending) assert.equal(listener.exits.get(id)?.cause, 'killed', id);
    assert.deepEqual(queuedJobs('nasctl-svc3-'), []);
  });

  it('re-attach: a new service object follows a running job to its end without submitting it again', async () => {
    const listener1 = new RecordingListener();
    const first = new SlurmTrainingService({ config: CONFIG, minPollMs: 300, maxPollMs: 1000 });
    first.setListener(listener1);
    const release = path.join(dir.root, 'release-r1');
    const job = makeJob(dir.root, 'r1', tsTrial(dir.root, release), { experimentId: 'svc4' });
    first.tryStart(job);
    await listener1.message('r1', 'metric', 60_000);
    await first.detach(); // the daemon "dies": the job keeps running
    const jobId = readFileSync(path.join(job.trialDir, 'slurm_job_id'), 'utf8').trim();
    assert.deepEqual(queuedJobs('nasctl-svc4-'), [jobId]);

    const listener2 = new RecordingListener();
    const second = new SlurmTrainingService({ config: CONFIG, minPollMs: 300, maxPollMs: 1000 });
    second.setListener(listener2);
    try {
      assert.equal(second.reattach('r1', job.trialDir), true);
      assert.equal(second.reattach('nope', path.join(dir.root, 'trials')), false);
      writeFileSync(release, '');
      const exit = await listener2.exited('r1', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.equal(exit.exitCode, 0);
      // Only what came after the first service stopped reading: the final metric, once.
      assert.deepEqual(listener2.metrics('r1'), [{ kind: 'final', value: { default: 1, under: 1 } }]);
      assert.equal(second.submissions, 0);
      assert.equal(readFileSync(path.join(job.trialDir, 'slurm_job_id'), 'utf8').trim(), jobId);
    } finally {
      await second.shutdown();
    }
  });

  it('re-attach finds a job whose id was never recorded (daemon died while sbatch answered) by its directory', async () => {
    const listener1 = new RecordingListener();
    // --hold keeps the job PENDING, so the job cannot record its own id either.
    const first = new SlurmTrainingService({ config: { ...CONFIG, sbatchArgs: ['--hold'] }, minPollMs: 300, maxPollMs: 1000 });
    first.setListener(listener1);
    const experimentId = `svc6p${process.pid}`; // unique: Slurm remembers ended jobs for MinJobAge
    const job = makeJob(dir.root, 'r2', tsTrial(dir.root), { experimentId });
    first.tryStart(job);
    await listener1.startedEvent('r2', 30_000);
    await first.detach();
    const idFile = path.join(job.trialDir, 'slurm_job_id');
    const jobId = readFileSync(idFile, 'utf8').trim();
    rmSync(idFile);

    const listener2 = new RecordingListener();
    const second = new SlurmTrainingService({ config: CONFIG, minPollMs: 300, maxPollMs: 1000 });
    second.setListener(listener2);
    try {
      assert.equal(second.reattach('r2', job.trialDir), true);
      assert.equal(readFileSync(idFile, 'utf8').trim(), jobId);
      execFileSync('scontrol', ['release', jobId]);
      const exit = await listener2.exited('r2', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.equal(exit.exitCode, 0);
      assert.deepEqual(listener2.metrics('r2'), [
        { kind: 'intermediate', value: 0.5 },
        { kind: 'final', value: { default: 1, under: 1 } },
      ]);
      assert.equal(second.submissions, 0);
      assert.equal(jobsKnownToSlurm(`nasctl-${experimentId}-`).size, 1, 'submitted once');
    } finally {
      await second.shutdown();
    }
  });

  it('reuse mode: one worker job runs several python trials through its file channel', async () => {
    writeFileSync(
      path.join(dir.root, 'worker.py'),
      `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    nt.report_final_result(p["lr"] + 1)\n`,
    );
    // A folder left by an earlier daemon's worker (which may still run): a new worker must not reuse it.
    const stale = path.join(dir.root, 'workers', 'worker-0');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'messages.jsonl'), '{"type":"request_parameters"}\n{"type":"metric","trialId":"u0","kind":"final","value":99}\n');
    const listener = new RecordingListener();
    const service = new SlurmTrainingService({ config: { ...CONFIG, reuseMode: true }, minPollMs: 300, maxPollMs: 1000, workerIdleMs: 60_000, workersDir: path.join(dir.root, 'workers') });
    service.setListener(listener);
    let next = 0;
    listener.onExitHook = () => {
      next += 1;
      if (next < 4) setImmediate(() => service.tryStart(makeJob(dir.root, `u${next}`, 'python3 worker.py', { experimentId: 'svc5', parameters: { lr: next } })));
    };
    try {
      service.tryStart(makeJob(dir.root, 'u0', 'python3 worker.py', { experimentId: 'svc5', parameters: { lr: 0 } }));
      const last = await listener.exited('u3', 60_000);
      assert.equal(last.cause, 'exited');
      for (let i = 0; i < 4; i += 1) assert.deepEqual(listener.metrics(`u${i}`), [{ kind: 'final', value: i + 1 }]);
      assert.equal(service.submissions, 1);
      assert.equal(readFileSync(path.join(dir.root, 'workers', 'worker-1', 'slurm_job_id'), 'utf8').trim().length > 0, true);
    } finally {
      await service.shutdown();
    }
    assert.deepEqual(queuedJobs('nasctl-svc5-'), []);
  });

  it('reuse mode: worker jobs an earlier daemon left behind are cancelled before the first new worker is submitted', async () => {
    const experimentId = `svc7p${process.pid}`;
    const oldWorker = execFileSync('sbatch', ['--parsable', `--job-name=nasctl-${experimentId}-w0`, '--cpus-per-task=1', `--chdir=${dir.root}`, '--output=/dev/null', '--wrap=sleep 300'], { encoding: 'utf8' }).trim();
    const listener = new RecordingListener();
    const service = new SlurmTrainingService({ config: { ...CONFIG, reuseMode: true }, minPollMs: 300, maxPollMs: 1000, workerIdleMs: 60_000, workersDir: path.join(dir.root, 'workers7') });
    service.setListener(listener);
    try {
      service.tryStart(makeJob(dir.root, 'v0', 'python3 worker.py', { experimentId, parameters: { lr: 5 } }));
      const exit = await listener.exited('v0', 60_000);
      assert.equal(exit.cause, 'exited');
      assert.deepEqual(listener.metrics('v0'), [{ kind: 'final', value: 6 }]);
      assert.equal(queuedJobs(`nasctl-${experimentId}-`).includes(oldWorker), false, 'the old worker was cancelled');
      assert.equal(service.submissions, 1);
    } finally {
      await service.shutdown();
      cancelJobs(`nasctl-${experimentId}-`);
    }
  });
});
