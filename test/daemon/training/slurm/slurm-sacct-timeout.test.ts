import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentManager } from '../../../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../../../tuners/registry';
import { createTrainingService } from '../../../../daemon/server/create-training-service';
import { PYTHON_CLIENT_DIR, withTimeout } from '../local/recording-listener';
import { queuedJobs, requireSlurm } from './slurm-test-kit';

const available = requireSlurm();

/**
 * The test cluster has no accounting database, so Slurm's verdict for a job that hit its time
 * limit is played by a stand-in `sacct` first on PATH (the daemon resolves Slurm's tools through
 * PATH): it answers TIMEOUT, in sacct's --parsable2 format, for every job it is asked about, and
 * logs the call. The job itself is real: its batch shell is killed, so it leaves no exit record.
 */
describe('a job Slurm reports as TIMEOUT (sacct) ends its trial FAILED with the reason, and maxRetries applies', { skip: !available }, () => {
  let home: string;
  let manager: ExperimentManager;
  const savedPath = process.env['PATH'];
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'nasctl-slurm-sacct-'));
    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'sacct'),
      `#!/bin/sh\necho "$*" >> '${join(home, 'sacct-calls.log')}'\nids=""\nwhile [ $# -gt 0 ]; do [ "$1" = "-j" ] && ids="$2"; shift; done\nfor id in $(echo "$ids" | tr ',' ' '); do printf '%s|TIMEOUT|0:15|None\\n' "$id"; done\n`,
    );
    chmodSync(join(bin, 'sacct'), 0o755);
    process.env['PATH'] = `${bin}:${savedPath ?? ''}`;
    writeFileSync(
      join(home, 'trial.py'),
      `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\np = nt.get_next_parameters()\nnt.report_final_result(p["lr"])\n`,
    );
    manager = new ExperimentManager({ home, tuners: builtinTuners(), createTrainingService, log: () => {} });
  });
  after(async () => {
    process.env['PATH'] = savedPath;
    await manager.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  it('TIMEOUT -> FAILED "lost: Slurm: TIMEOUT (...)", then the retry succeeds', async () => {
    // First attempt: the trial kills its batch shell (no exit record); the retry runs normally.
    const { id } = await manager.createExperiment(
      {
        searchSpace: { lr: { _type: 'choice', _value: [0.1, 0.01] } },
        trialCommand: `if mkdir first-attempt 2>/dev/null; then kill -9 $PPID; exit 1; fi; python3 trial.py`,
        trialCodeDirectory: home,
        trialConcurrency: 1,
        maxTrialNumber: 1,
        maxRetries: 1,
        tuner: { name: 'random' },
        trainingService: { platform: 'slurm', reuseMode: false, cpusPerTrial: 1 },
      },
      home,
    );
    const rec = await withTimeout(manager.whenSettled(id), 60_000, `experiment ${id}`);
    assert.equal(rec.status, 'DONE');
    const counts = manager.getExperiment(id).trialCounts;
    assert.equal(counts['FAILED'], 1, JSON.stringify(counts));
    assert.equal(counts['SUCCEEDED'], 1, JSON.stringify(counts));
    const failed = manager.listTrials(id, { status: ['FAILED'] }).items[0]!;
    const jobId = readFileSync(join(failed.trialDir, 'slurm_job_id'), 'utf8').trim();
    assert.match(failed.reason ?? '', new RegExp(`^lost: Slurm: TIMEOUT \\(job ${jobId} reached its time limit; raise trainingService\\.time; ExitCode=0:15\\)`));
    assert.equal(existsSync(join(failed.trialDir, 'exit_code')), false);
    const retry = manager.listTrials(id, { status: ['SUCCEEDED'] }).items[0]!;
    assert.equal(retry.retryOf, failed.id);
    assert.deepEqual(retry.parameters, failed.parameters);
    // sacct was asked about the failed job; the retry's clean exit record needed no question.
    const calls = readFileSync(join(home, 'sacct-calls.log'), 'utf8').trim().split('\n');
    assert.deepEqual(calls, [`-n -P -X -j ${jobId} -o JobID,State,ExitCode,Reason`]);
    await manager.stopExperiment(id);
    assert.deepEqual(queuedJobs(`nasctl-${id}-`), []);
  });
});
