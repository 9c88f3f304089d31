import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentManager } from '../../../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../../../tuners/registry';
import { createTrainingService } from '../../../../daemon/server/create-training-service';
import { PYTHON_CLIENT_DIR, withTimeout } from '../local/recording-listener';
import { until } from '../../server/daemon-process';
import { queuedJobs, requireSlurm } from './slurm-test-kit';
import Database from 'better-sqlite3';
import { experimentDbPath } from '../../../../daemon/store/experiment-files';

/** Paths of the files named `name` under `dir`, at any depth. */
function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p === name || p.endsWith(`/${name}`));
}

const SPACE = { lr: { _type: 'choice', _value: [0.1, 0.01, 0.001] }, width: { _type: 'randint', _value: [8, 64] } };
const available = requireSlurm();

describe('ExperimentManager with platform: slurm (real cluster)', { skip: !available }, () => {
  let home: string;
  let manager: ExperimentManager;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'nasctl-slurm-exp-'));
    writeFileSync(
      join(home, 'trial.py'),
      `import os, sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    mark = os.path.join(${JSON.stringify(home)}, "hold-" + str(p["width"]))\n    if os.environ.get("HOLD") and not os.path.exists(mark):\n        open(mark, "w").close()\n        import time\n        time.sleep(120)\n    nt.report_intermediate_result(0.5)\n    nt.report_final_result(p["lr"] * p["width"])\n    if not nt.is_under_nasctl() or os.environ.get("NASCTL_REUSE") != "1":\n        break\n`,
    );
    manager = new ExperimentManager({ home, tuners: builtinTuners(), createTrainingService, log: () => {} });
  });
  after(async () => {
    await manager.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  for (const reuseMode of [false, true]) {
    it(`20 trials complete in ${reuseMode ? 'reuse' : 'spawn'} mode and leave no job behind`, async () => {
      const { id } = await manager.createExperiment(
        { searchSpace: SPACE, trialCommand: 'python3 trial.py', trialCodeDirectory: home, trialConcurrency: 2, maxTrialNumber: 20, tuner: { name: 'random' }, trainingService: { platform: 'slurm', reuseMode, cpusPerTrial: 1 } },
        home,
      );
      const rec = await withTimeout(manager.whenSettled(id), 90_000, `experiment ${id}`);
      assert.equal(rec.status, 'DONE');
      const counts = manager.getExperiment(id).trialCounts;
      assert.equal(counts['SUCCEEDED'], 20, JSON.stringify(counts));
      await manager.stopExperiment(id);
      assert.deepEqual(queuedJobs(`nasctl-${id}-`), []);
      // The channels' read offsets went into the store (with the records they changed), not into
      // files on the shared file system, and were dropped once their jobs ended.
      const channels = findFiles(join(home, 'experiments', id), 'messages.jsonl');
      assert.ok(channels.length >= (reuseMode ? 2 : 20), `channels: ${channels.length}`);
      assert.deepEqual(findFiles(join(home, 'experiments', id), 'messages.offset'), []);
      const db = new Database(experimentDbPath(join(home, 'experiments', id)), { readonly: true });
      try {
        assert.deepEqual(db.prepare("SELECT key FROM meta WHERE key LIKE 'service:channel-offset:%'").pluck().all(), []);
      } finally {
        db.close();
      }
    });
  }

  it('a trial cancelled with scancel ends FAILED with Slurm\'s reason and is retried', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: 'HOLD=1 python3 trial.py', trialCodeDirectory: home, trialConcurrency: 1, maxTrialNumber: 1, maxRetries: 1, tuner: { name: 'random' }, trainingService: { platform: 'slurm', reuseMode: false, cpusPerTrial: 1 } },
      home,
    );
    const dir = join(home, 'experiments', id, 'trials');
    // Wait (on the cluster, bounded) for the first trial's job to run, then cancel it from outside.
    const jobId = await withTimeout(
      (async () => {
        for (;;) {
          const running = execFileSync('squeue', ['-h', '-t', 'RUNNING', '-o', '%i|%j'], { encoding: 'utf8' }).split('\n').find((l) => l.includes(`nasctl-${id}-`));
          if (running !== undefined) return running.split('|')[0]!;
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
      30_000,
      'the trial job to run',
    );
    await until(() => (readdirSync(home).some((name) => name.startsWith('hold-')) ? true : undefined), 30_000, 'the trial to create its hold mark');
    execFileSync('scancel', [jobId]);
    const rec = await withTimeout(manager.whenSettled(id), 60_000, `experiment ${id}`);
    assert.equal(rec.status, 'DONE');
    const counts = manager.getExperiment(id).trialCounts;
    assert.equal(counts['FAILED'], 1, JSON.stringify(counts));
    assert.equal(counts['SUCCEEDED'], 1, JSON.stringify(counts));
    assert.ok(existsSync(dir));
    const failed = manager.listTrials(id, { status: ['FAILED'] }).items[0]!;
    assert.match(failed.reason ?? '', new RegExp(`^lost: Slurm: CANCELLED( by \\d+)? \\(job ${jobId} cancelled`));
    assert.equal(readFileSync(join(failed.trialDir, 'slurm_job_id'), 'utf8').trim(), jobId);
    const retry = manager.listTrials(id, { status: ['SUCCEEDED'] }).items[0]!;
    assert.equal(retry.retryOf, failed.id);
    await manager.stopExperiment(id);
    assert.deepEqual(queuedJobs(`nasctl-${id}-`), []);
  });
});
