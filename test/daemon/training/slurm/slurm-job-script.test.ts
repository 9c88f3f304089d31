import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMaxDurationMs, renderBatchScript, type JobSpec } from '../../../../daemon/training/slurm/slurm-job-script';
import { parseStartTime } from '../../../../daemon/training/slurm/slurm-cli';

const SPEC: JobSpec = { name: 'nasctl-e-t1', dir: '/shared/e/trials/t1', command: 'python3 t.py', cwd: '/code', env: {}, gpus: undefined };

describe('what a restarted daemon reads back about a job', () => {
  it('the batch script records maxTrialDuration (ms) and parseMaxDurationMs reads it; none when unset', () => {
    assert.equal(parseMaxDurationMs(renderBatchScript({ ...SPEC, maxDurationMs: 90_000 })), 90_000);
    assert.equal(parseMaxDurationMs(renderBatchScript({ ...SPEC, maxDurationMs: 0 })), 0);
    assert.equal(parseMaxDurationMs(renderBatchScript(SPEC)), undefined);
    assert.equal(parseMaxDurationMs('#!/bin/sh\n# nasctl-max-trial-duration-ms: soon\n'), undefined);
  });

  it("parseStartTime: squeue's %S (local time) for a job that runs; none for a pending job's estimate or N/A", () => {
    assert.equal(parseStartTime('2026-11-23T10:46:13', 'RUNNING'), new Date(2026, 10, 23, 10, 46, 13).getTime());
    assert.equal(parseStartTime('2026-11-23T10:46:13', 'COMPLETING'), new Date(2026, 10, 23, 10, 46, 13).getTime());
    assert.equal(parseStartTime('2026-11-23T10:46:13', 'PENDING'), undefined);
    assert.equal(parseStartTime('N/A', 'RUNNING'), undefined);
    assert.equal(parseStartTime(undefined, 'RUNNING'), undefined);
  });
});
