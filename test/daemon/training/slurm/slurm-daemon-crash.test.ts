import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../../../../daemon/store/types';
import { api, killDaemon, until } from '../../server/daemon-process';
import { crashSuite, experimentEnd, jobsKnownToSlurm, queuedJobs, queuedStates, recordedRuns as runs, recordRun, requireSlurm, writePythonTrial } from './slurm-test-kit';

const available = requireSlurm();
const TRIALS = 8;

/** True when the daemon has read an intermediate result of every trial in `ran` (read before a crash: not to be delivered again after it). */
async function intermediatesRead(port: number, id: string, ran: Array<{ trialId: string }>): Promise<boolean> {
  for (const { trialId } of ran) {
    const { metrics } = await api<{ metrics: Array<{ kind: string }> }>(port, 'GET', `/experiments/${id}/trials/${trialId}/metrics`);
    if (!metrics.some((m) => m.kind === 'intermediate')) return false;
  }
  return true;
}

describe('Slurm: the daemon killed with SIGKILL mid-run re-attaches to its jobs (real cluster)', { skip: !available }, () => {
  const suite = crashSuite('slurm-crash');
  const home = suite.home;

  it('follows queued and running jobs to their end after two restarts; every trial runs in exactly one job', async () => {
    // Each trial records the job it runs in, reports its intermediate result, then holds until
    // the test releases it (by trial id, or all) and reports its final one.
    writePythonTrial(join(home, 'trial.py'), [
      'p = nt.get_next_parameters()',
      'tid = nt.get_trial_id()',
      ...recordRun(home),
      'nt.report_intermediate_result(0.5)',
      `while not (os.path.exists(${JSON.stringify(join(home, 'release-all'))}) or os.path.exists(${JSON.stringify(join(home, 'release-'))} + tid)):`,
      '    time.sleep(0.05)',
      'nt.report_final_result(p["x"])',
    ]);
    const release = (trialId: string): void => writeFileSync(join(home, `release-${trialId}`), '');
    let daemon = await suite.start();
    const { id } = await api<{ id: string }>(daemon.port, 'POST', '/experiments', {
      config: {
        searchSpace: { x: { _type: 'randint', _value: [0, 1_000_000] } },
        trialCommand: 'python3 trial.py',
        trialCodeDirectory: home,
        trialConcurrency: 3,
        maxTrialNumber: TRIALS,
        tuner: { name: 'random' },
        // One CPU per job on the two-CPU node: two jobs run, the third waits in Slurm's queue.
        trainingService: { platform: 'slurm', reuseMode: false, cpusPerTrial: 1 },
      },
      baseDir: home,
    });
    const prefix = suite.jobPrefix(id);

    // Crash 1: two jobs running (their trials hold), one pending.
    await until(() => (runs(home).length >= 2 && queuedStates(prefix).filter((j) => j.state === 'PENDING').length >= 1 ? true : undefined), 60_000, 'two running jobs and one pending');
    await until(async () => ((await intermediatesRead(daemon.port, id, runs(home))) ? true : undefined), 30_000, 'the running trials\' intermediate results to be read');
    await killDaemon(daemon, 'SIGKILL');
    // While no daemon runs: one trial ends (its job leaves the queue), so the pending job starts.
    const first = runs(home)[0]!;
    release(first.trialId);
    await until(() => (runs(home).length >= 3 && !queuedJobs(prefix).includes(first.jobId) ? true : undefined), 60_000, 'the released job to end and the pending one to run');
    daemon = await suite.start();

    // Crash 2: after the two older running trials are released and their successors run.
    const running = runs(home).slice(1, 3);
    for (const r of running) release(r.trialId);
    await until(() => (runs(home).length >= 5 ? true : undefined), 60_000, 'two more trials to run');
    await until(() => (queuedStates(prefix).length >= 3 ? true : undefined), 30_000, 'three jobs in the queue');
    await until(async () => ((await intermediatesRead(daemon.port, id, runs(home))) ? true : undefined), 30_000, 'the running trials\' intermediate results to be read');
    await killDaemon(daemon, 'SIGKILL');
    daemon = await suite.start();
    writeFileSync(join(home, 'release-all'), '');

    const done = await experimentEnd(daemon.port, id);
    assert.equal(done.status, 'DONE', daemon.output());
    const { items } = await api<{ items: TrialRecord[] }>(daemon.port, 'GET', `/experiments/${id}/trials?limit=1000`);
    // Nothing was interrupted and re-run: exactly maxTrialNumber trials, all SUCCEEDED.
    assert.equal(items.length, TRIALS, JSON.stringify(items.map((t) => `${t.id}:${t.status}:${t.reason ?? ''}`)));
    for (const t of items) assert.equal(t.status, 'SUCCEEDED', `${t.id}: ${t.status} ${t.reason ?? ''}`);
    // Each trial ran in exactly one job, the one recorded in its directory; no job ran twice.
    const ran = runs(home);
    assert.equal(ran.length, TRIALS, JSON.stringify(ran));
    assert.deepEqual(new Set(ran.map((r) => r.trialId)), new Set(items.map((t) => t.id)));
    assert.equal(new Set(ran.map((r) => r.jobId)).size, TRIALS);
    for (const t of items) {
      const recorded = readFileSync(join(t.trialDir, 'slurm_job_id'), 'utf8').trim();
      assert.equal(recorded, ran.find((r) => r.trialId === t.id)?.jobId, `job id of ${t.id}`);
      // Metrics read before a crash are not delivered again after it.
      const { metrics } = await api<{ metrics: Array<{ kind: string }> }>(daemon.port, 'GET', `/experiments/${id}/trials/${t.id}/metrics`);
      assert.deepEqual(metrics.map((m) => m.kind), ['intermediate', 'final'], `metrics of ${t.id}`);
    }
    // Slurm's own record: one submission per trial, nothing submitted twice.
    const submitted = jobsKnownToSlurm(prefix);
    assert.equal(submitted.size, TRIALS, JSON.stringify([...submitted]));
    assert.equal(new Set(submitted.values()).size, TRIALS, 'one job name (= trial) per submission');
    assert.match(daemon.output(), /re-attached to trial/);

    await killDaemon(daemon, 'SIGTERM');
    assert.deepEqual(queuedJobs(prefix), []);
  });
});
