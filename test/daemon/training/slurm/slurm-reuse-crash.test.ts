import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRecord } from '../../../../daemon/store/types';
import { experimentDir } from '../../../../daemon/store/experiment-files';
import { countReplies } from '../../../../daemon/training/slurm/reply-file';
import { api, killDaemon, until } from '../../server/daemon-process';
import { crashSuite, experimentEnd, jobsKnownToSlurm, queuedJobs, recordedRuns as runs, recordRun, requireSlurm, writePythonTrial } from './slurm-test-kit';

const available = requireSlurm();
const TRIALS = 20;
const CONCURRENCY = 2;

/** Worker folders whose worker asked for a trial that has no reply yet (it waits for the daemon). */
function waitingWorkers(workersDir: string): number {
  if (!existsSync(workersDir)) return 0;
  let waiting = 0;
  for (const name of readdirSync(workersDir)) {
    const dir = join(workersDir, name);
    const messages = existsSync(join(dir, 'messages.jsonl')) ? readFileSync(join(dir, 'messages.jsonl'), 'utf8') : '';
    const requests = messages.split('\n').filter((l) => l.includes('"request_parameters"')).length;
    if (requests > countReplies(dir)) waiting += 1;
  }
  return waiting;
}

/** True when a RUNNING trial of experiment `id` has reported its intermediate result and not yet its final one. */
async function betweenMetrics(port: number, id: string): Promise<boolean> {
  const { items } = await api<{ items: TrialRecord[] }>(port, 'GET', `/experiments/${id}/trials?status=RUNNING`);
  for (const t of items) {
    const { metrics } = await api<{ metrics: Array<{ kind: string }> }>(port, 'GET', `/experiments/${id}/trials/${t.id}/metrics`);
    if (metrics.length === 1 && metrics[0]!.kind === 'intermediate') return true;
  }
  return false;
}

describe('Slurm reuse mode: the daemon killed with SIGKILL mid-run adopts its worker jobs (real cluster)', { skip: !available }, () => {
  const suite = crashSuite('slurm-reuse-crash');
  const home = suite.home;

  it('re-attaches running trials to their workers and keeps feeding the same workers; every trial runs once', async () => {
    // A long-lived worker: each trial records itself, takes ~1 s, then reports.
    writePythonTrial(join(home, 'worker.py'), [
      'while True:',
      '    p = nt.get_next_parameters()',
      '    if p is None:',
      '        break',
      ...recordRun(home, '    '),
      '    time.sleep(0.5)',
      '    nt.report_intermediate_result(0.5)',
      '    time.sleep(0.5)',
      '    nt.report_final_result(p["x"])',
    ]);
    let daemon = await suite.start();
    const { id } = await api<{ id: string }>(daemon.port, 'POST', '/experiments', {
      config: {
        searchSpace: { x: { _type: 'randint', _value: [0, 1_000_000] } },
        trialCommand: 'python3 worker.py',
        trialCodeDirectory: home,
        trialConcurrency: CONCURRENCY,
        maxTrialNumber: TRIALS,
        tuner: { name: 'random' },
        // One CPU per worker job on the two-CPU node: both workers run.
        trainingService: { platform: 'slurm', reuseMode: true, cpusPerTrial: 1 },
      },
      baseDir: home,
    });
    const prefix = suite.jobPrefix(id);

    // Crash 1: both workers in the middle of a trial; the daemon stays away long enough for them
    // to finish it and ask for the next one.
    await until(() => (runs(home).length >= 3 ? true : undefined), 60_000, 'three trials to start');
    await killDaemon(daemon, 'SIGKILL');
    const workersDir = join(experimentDir(home, id), 'workers');
    await until(() => (waitingWorkers(workersDir) === CONCURRENCY ? true : undefined), 30_000, 'both workers to finish their trial and wait for the next');
    const atCrash = runs(home).length;
    daemon = await suite.start();

    // Crash 2: mid-run again, with a trial between its two metrics (the first already read and
    // committed with the channel's offset), restarted at once.
    await until(async () => (runs(home).length >= atCrash + 5 && (await betweenMetrics(daemon.port, id)) ? true : undefined), 60_000, 'five more trials to start, one of them past its intermediate result');
    await killDaemon(daemon, 'SIGKILL');
    daemon = await suite.start();

    const done = await experimentEnd(daemon.port, id);
    assert.equal(done.status, 'DONE', daemon.output());
    const { items } = await api<{ items: TrialRecord[] }>(daemon.port, 'GET', `/experiments/${id}/trials?limit=1000`);
    // Nothing was interrupted and re-run: exactly maxTrialNumber trials, all SUCCEEDED.
    assert.equal(items.length, TRIALS, JSON.stringify(items.map((t) => `${t.id}:${t.status}:${t.reason ?? ''}`)));
    for (const t of items) assert.equal(t.status, 'SUCCEEDED', `${t.id}: ${t.status} ${t.reason ?? ''}`);
    // Every trial ran exactly once.
    const ran = runs(home);
    assert.equal(ran.length, TRIALS, JSON.stringify(ran));
    assert.deepEqual(new Set(ran.map((r) => r.trialId)), new Set(items.map((t) => t.id)));
    for (const t of items) {
      // Metrics read before a crash are not delivered again after it.
      const { metrics } = await api<{ metrics: Array<{ kind: string }> }>(daemon.port, 'GET', `/experiments/${id}/trials/${t.id}/metrics`);
      assert.deepEqual(metrics.map((m) => m.kind), ['intermediate', 'final'], `metrics of ${t.id}`);
    }
    // The same worker jobs ran every trial: no more submissions than trialConcurrency (none died).
    const submitted = jobsKnownToSlurm(prefix);
    assert.ok(submitted.size <= CONCURRENCY, `worker jobs submitted: ${JSON.stringify([...submitted])}`);
    assert.deepEqual(new Set(ran.map((r) => r.jobId)), new Set(submitted.keys()), 'trials ran in the submitted workers only');
    assert.match(daemon.output(), /adopted reuse worker/);
    assert.match(daemon.output(), /re-attached trial/);

    await until(() => (queuedJobs(prefix).length === 0 ? true : undefined), 30_000, 'no job of the experiment left in squeue');
    await killDaemon(daemon, 'SIGTERM');
  });
});
