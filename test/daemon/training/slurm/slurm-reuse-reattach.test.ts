import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SlurmTrainingService } from '../../../../daemon/training/slurm/slurm-training-service';
import type { SlurmTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, makeJob } from '../local/recording-listener';
import { until } from '../../server/daemon-process';
import { FAST_SERVICE as FAST, jobsKnownToSlurm, queuedJobs, requireSlurm, serviceSuite, workerOfTrial, writeReleaseGatedWorker } from './slurm-test-kit';

const CONFIG: SlurmTrainingServiceConfig = { platform: 'slurm', reuseMode: true, cpusPerTrial: 1 };
const available = requireSlurm();

describe('Slurm reuse mode: a new service object re-attaches to the worker jobs of an earlier one (real cluster)', { skip: !available }, () => {
  const { dir, newExperiment } = serviceSuite('slurm-reuse-reattach');

  /** A python worker gated by `release-<trial>` files (see writeReleaseGatedWorker). */
  const workerScript = (name: string, once: boolean): string => writeReleaseGatedWorker(dir.root, name, once);
  const release = (trialId: string): void => writeFileSync(path.join(dir.root, `release-${trialId}`), '');

  it('a pending worker is adopted with its trial, runs it, then takes the next trial: no new submission', async () => {
    const experimentId = newExperiment('rra');
    const workersDir = path.join(dir.root, 'workers-a');
    const command = workerScript('loop.py', false);
    const first = new SlurmTrainingService({ config: { ...CONFIG, sbatchArgs: ['--hold'] }, ...FAST, workersDir });
    const listener1 = new RecordingListener();
    first.setListener(listener1);
    const a0 = makeJob(dir.root, 'a0', command, { experimentId, parameters: { lr: 1 } });
    first.tryStart(a0);
    await listener1.startedEvent('a0', 30_000);
    await first.detach(); // the daemon "dies" while its worker job is held PENDING

    const second = new SlurmTrainingService({ config: CONFIG, ...FAST, workersDir });
    const listener2 = new RecordingListener();
    second.setListener(listener2);
    try {
      assert.equal(second.reattach('a0', a0.trialDir), true);
      assert.equal(second.reattach('never-started', path.join(dir.root, 'trials', 'never-started')), false);
      execFileSync('scontrol', ['release', ...queuedJobs(`nasctl-${experimentId}-`)]);
      release('a0');
      const exit = await listener2.exited('a0', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.deepEqual(listener2.metrics('a0'), [{ kind: 'intermediate', value: 0.5 }, { kind: 'final', value: 1 }]);
      const a1 = makeJob(dir.root, 'a1', command, { experimentId, parameters: { lr: 2 } });
      assert.deepEqual(second.tryStart(a1), { started: true });
      release('a1');
      assert.equal((await listener2.exited('a1', 60_000)).cause, 'exited');
      assert.deepEqual(listener2.metrics('a1'), [{ kind: 'intermediate', value: 0.5 }, { kind: 'final', value: 2 }]);
      assert.equal(second.submissions, 0, 'the adopted worker ran the next trial');
    } finally {
      await second.shutdown();
    }
    assert.equal(jobsKnownToSlurm(`nasctl-${experimentId}-`).size, 1, 'one worker job in all');
    assert.deepEqual(queuedJobs(`nasctl-${experimentId}-`), []);
  });

  it('a worker that ended while no service ran: a completed trial finishes from its records, an unfinished one is not re-attached', async () => {
    const experimentId = newExperiment('rrb');
    const workersDir = path.join(dir.root, 'workers-b');
    const command = workerScript('once.py', true);
    const first = new SlurmTrainingService({ config: CONFIG, ...FAST, workersDir });
    const listener1 = new RecordingListener();
    first.setListener(listener1);
    const done = makeJob(dir.root, 'b0', command, { experimentId, parameters: { lr: 3 } });
    const lost = makeJob(dir.root, 'b1', command, { experimentId, parameters: { lr: 4 } });
    first.tryStart(done);
    first.tryStart(lost);
    await listener1.message('b0', 'metric', 60_000);
    await listener1.message('b1', 'metric', 60_000);
    await first.detach();
    // While no service runs: b0 reports and its worker ends normally; b1's worker is cancelled mid-trial.
    release('b0');
    const prefix = `nasctl-${experimentId}-`;
    const lostWorker = workerOfTrial(workersDir, 'b1')!;
    const line = readFileSync(path.join(lostWorker, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(line.map(({ sentAt, ...rest }) => ({ ...rest, sentAt: typeof sentAt })), [{ trialId: 'b1', trialDir: lost.trialDir, parameters: { lr: 4 }, sentAt: 'number' }]);
    assert.equal(existsSync(path.join(lost.trialDir, 'worker.txt')), false, 'no per-trial file in reuse mode');
    const lostJob = readFileSync(path.join(lostWorker, 'slurm_job_id'), 'utf8').trim();
    execFileSync('scancel', [lostJob]);
    await until(() => (queuedJobs(prefix).length === 0 ? true : undefined), 30_000, 'both worker jobs to end');

    const second = new SlurmTrainingService({ config: CONFIG, ...FAST, workersDir });
    const listener2 = new RecordingListener();
    second.setListener(listener2);
    try {
      assert.equal(second.reattach('b1', lost.trialDir), false, 'died during its trial: re-run it');
      assert.equal(second.reattach('b0', done.trialDir), true);
      const exit = await listener2.exited('b0', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.equal(exit.exitCode, 0);
      assert.deepEqual(listener2.metrics('b0'), [{ kind: 'final', value: 3 }], 'the metric written while no service ran, once');
      assert.equal(second.submissions, 0);
    } finally {
      await second.shutdown();
    }
  });
});
