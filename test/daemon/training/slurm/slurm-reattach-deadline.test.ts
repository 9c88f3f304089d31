import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { SlurmTrainingService } from '../../../../daemon/training/slurm/slurm-training-service';
import type { SlurmTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, makeJob } from '../local/recording-listener';
import { until } from '../../server/daemon-process';
import { FAST_SERVICE as FAST, jobsKnownToSlurm, queuedJobs, requireSlurm, serviceSuite, writePythonTrial } from './slurm-test-kit';

const available = requireSlurm();
/** maxTrialDuration of these trials: a deadline counted from the re-attach would end them no sooner than this after it. */
const MAX_MS = 4000;

/** Resolves once `ms` have passed since `since`: the tests need the trial's real deadline to be behind it. */
function passed(since: number, ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, since + ms - Date.now())));
}

describe('Slurm re-attach keeps maxTrialDuration from the real start; a job id that cannot be recorded (real cluster)', { skip: !available }, () => {
  const { dir, newExperiment } = serviceSuite('slurm-deadline');
  /** A python trial (a reuse loop) that reports one intermediate metric, then never ends by itself. */
  const hang = (): string => {
    writePythonTrial(path.join(dir.root, 'hang.py'), ['while True:', '    p = nt.get_next_parameters()', '    if p is None:', '        break', '    nt.report_intermediate_result(0.5)', '    while True:', '        time.sleep(0.05)']);
    return 'python3 hang.py';
  };

  /** A service (and its listener) for `experimentId`'s jobs, its reuse workers under their own folder. */
  const newService = (experimentId: string, reuseMode: boolean): { service: SlurmTrainingService; listener: RecordingListener } => {
    const config: SlurmTrainingServiceConfig = { platform: 'slurm', reuseMode, cpusPerTrial: 1 };
    const made = new SlurmTrainingService({ config, ...FAST, workersDir: path.join(dir.root, `workers-${experimentId}`) });
    const listener = new RecordingListener();
    made.setListener(listener);
    return { service: made, listener };
  };
  /**
   * Starts trial `name` (hanging, maxTrialDuration MAX_MS) on a first service, waits for its
   * metric, then detaches that service (the daemon "dies"; the job goes on). `submittedAt`: the
   * trial cannot run before it; `ranBy`: it runs since before it.
   */
  const runThenDetach = async (experimentId: string, reuseMode: boolean, name: string) => {
    const { service: first, listener } = newService(experimentId, reuseMode);
    const job = makeJob(dir.root, name, hang(), { experimentId, maxDurationMs: MAX_MS });
    const submittedAt = Date.now();
    first.tryStart(job);
    await listener.message(job.trialId, 'metric', 60_000);
    const ranBy = Date.now();
    await first.detach();
    assert.equal(listener.exits.size, 0, 'the first service did not end it');
    return { job, submittedAt, ranBy };
  };

  for (const reuseMode of [false, true]) {
    const mode = reuseMode ? 'reuse' : 'spawn';
    it(`${mode} mode: a trial re-attached after its maxTrialDuration ends EARLY_STOPPED at once (timeout), its job cancelled`, async () => {
      const experimentId = newExperiment(reuseMode ? 'dlr' : 'dls');
      const { job, ranBy } = await runThenDetach(experimentId, reuseMode, `${mode}0`);
      assert.equal(queuedJobs(`nasctl-${experimentId}-`).length, 1);
      await passed(ranBy, MAX_MS);

      const { service: second, listener: listener2 } = newService(experimentId, reuseMode);
      try {
        const reattachedAt = Date.now();
        assert.equal(second.reattach(job.trialId, job.trialDir), true);
        const exit = await listener2.exited(job.trialId, 30_000);
        assert.equal(exit.cause, 'timeout', JSON.stringify(exit));
        assert.ok(Date.now() - reattachedAt < MAX_MS - 1000, `ended ${Date.now() - reattachedAt} ms after the re-attach: the deadline counted from the restart`);
        await until(() => (queuedJobs(`nasctl-${experimentId}-`).length === 0 ? true : undefined), 30_000, 'the job to leave squeue');
        assert.equal(second.submissions, 0);
      } finally {
        await second.shutdown();
      }
    });

    it(`${mode} mode: a trial re-attached before its maxTrialDuration keeps running, then ends EARLY_STOPPED at its real deadline`, async () => {
      const experimentId = newExperiment(reuseMode ? 'dnr' : 'dns');
      const { job, submittedAt, ranBy } = await runThenDetach(experimentId, reuseMode, `${mode}2`);
      // A restart well inside the deadline, late enough that a deadline counted from it would show.
      await passed(ranBy, 1500);

      const { service: second, listener: listener2 } = newService(experimentId, reuseMode);
      try {
        const reattachedAt = Date.now();
        assert.ok(reattachedAt < ranBy + MAX_MS - 1000, 'the re-attach came before the deadline');
        assert.equal(second.reattach(job.trialId, job.trialDir), true);
        const exit = await listener2.exited(job.trialId, 30_000);
        const endedAt = Date.now();
        assert.equal(exit.cause, 'timeout', JSON.stringify(exit));
        // Slurm's start time has whole seconds: the real start may read up to 1 s early.
        assert.ok(endedAt >= submittedAt + MAX_MS - 1000, `ended ${endedAt - submittedAt} ms after submission: before its maxTrialDuration`);
        assert.ok(endedAt < reattachedAt + MAX_MS - 500, `ended ${endedAt - reattachedAt} ms after the re-attach: the deadline counted from the restart`);
        await until(() => (queuedJobs(`nasctl-${experimentId}-`).length === 0 ? true : undefined), 30_000, 'the job to leave squeue');
        assert.equal(second.submissions, 0);
      } finally {
        await second.shutdown();
      }
    });

    it(`${mode} mode: a job id that cannot be recorded after sbatch: the job is cancelled, the trial ends lost with the reason`, async () => {
      const experimentId = newExperiment(reuseMode ? 'jir' : 'jis');
      const config: SlurmTrainingServiceConfig = { platform: 'slurm', reuseMode, cpusPerTrial: 1 };
      const job = makeJob(dir.root, `${mode}1`, hang(), { experimentId });
      // Spawn mode: a real file-system failure (slurm_job_id is a folder: EISDIR); reuse mode: the seam.
      if (!reuseMode) mkdirSync(path.join(job.trialDir, 'slurm_job_id'));
      const seam = reuseMode
        ? {
            recordJobId: (): void => {
              throw new Error('ENOSPC: no space left on device (injected)');
            },
          }
        : {};
      const service = new SlurmTrainingService({ config, ...FAST, workersDir: path.join(dir.root, `workers-${experimentId}`), ...seam });
      const listener = new RecordingListener();
      service.setListener(listener);
      try {
        assert.deepEqual(service.tryStart(job), { started: true });
        const exit = await listener.exited(job.trialId, 60_000);
        assert.equal(exit.cause, 'lost', JSON.stringify(exit));
        assert.match(exit.detail ?? '', /sbatch accepted Slurm job \d+, but its id could not be recorded in .*slurm_job_id \((EISDIR|ENOSPC).*the job was cancelled/);
        await until(() => (queuedJobs(`nasctl-${experimentId}-`).length === 0 ? true : undefined), 30_000, 'the unrecorded job to be cancelled');
        assert.equal(jobsKnownToSlurm(`nasctl-${experimentId}-`).size, 1, 'submitted once, not again');
        assert.equal(listener.started.has(job.trialId), false);
      } finally {
        await service.shutdown();
      }
    });
  }
});
