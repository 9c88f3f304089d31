import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeFinalState, exitFromEvidence, parseSacct, parseScontrolJob, type FinalJobState } from '../../../../daemon/training/slurm/slurm-records';

/**
 * `sacct -n -P -X -j ... -o JobID,State,ExitCode,Reason` as Slurm 22.05 prints it (`--parsable2`:
 * `|`-separated, no trailing `|`), one job per way a job can end.
 */
const SACCT_X = [
  '4101|CANCELLED by 1000|0:15|None',
  '4102|TIMEOUT|0:15|None',
  '4103|NODE_FAIL|0:0|NodeDown',
  '4104|OUT_OF_MEMORY|0:125|None',
  '4105|FAILED|2:0|NonZeroExitCode',
  '4106|COMPLETED|0:0|None',
  '4107_3|FAILED|1:0|None',
  '',
].join('\n');

/** The same without -X: the steps of each job follow it; they must not hide the job's own line. */
const SACCT_STEPS = [
  '4101|CANCELLED by 1000|0:15|None',
  '4101.batch|CANCELLED|0:15|',
  '4101.extern|COMPLETED|0:0|',
  '4102|TIMEOUT|0:15|None',
  '4102.batch|CANCELLED|0:15|',
  '4104|OUT_OF_MEMORY|0:125|None',
  '4104.batch|OUT_OF_MEMORY|0:125|',
].join('\n');

describe('parseSacct (sacct --parsable2 fixtures)', () => {
  it('reads every final state with its exit code and reason, keeping "CANCELLED by uid" whole', () => {
    const jobs = parseSacct(SACCT_X);
    assert.equal(jobs.size, 7);
    assert.deepEqual(jobs.get('4101'), { jobId: '4101', state: 'CANCELLED by 1000', exitCode: '0:15', reason: 'None' });
    assert.deepEqual(jobs.get('4102'), { jobId: '4102', state: 'TIMEOUT', exitCode: '0:15', reason: 'None' });
    assert.deepEqual(jobs.get('4103'), { jobId: '4103', state: 'NODE_FAIL', exitCode: '0:0', reason: 'NodeDown' });
    assert.deepEqual(jobs.get('4104'), { jobId: '4104', state: 'OUT_OF_MEMORY', exitCode: '0:125', reason: 'None' });
    assert.deepEqual(jobs.get('4105'), { jobId: '4105', state: 'FAILED', exitCode: '2:0', reason: 'NonZeroExitCode' });
    assert.equal(jobs.get('4107_3')?.state, 'FAILED');
  });

  it('ignores step lines (123.batch, 123.extern), so a step never overrides its job', () => {
    const jobs = parseSacct(SACCT_STEPS);
    assert.deepEqual([...jobs.keys()], ['4101', '4102', '4104']);
    assert.equal(jobs.get('4101')?.state, 'CANCELLED by 1000');
    assert.equal(jobs.get('4102')?.state, 'TIMEOUT');
  });

  it('ignores blank and truncated lines', () => {
    assert.equal(parseSacct('\n  \n4200\n|RUNNING|0:0|None\n').size, 0);
  });
});

describe('how a job Slurm ended becomes the trial\'s exit', () => {
  const jobs = parseSacct(SACCT_X);
  const slurmEnded = (id: string, exitRecord?: number) =>
    exitFromEvidence('t1', { jobId: id, exitRecord, final: jobs.get(id), killedByUs: false, timedOut: false });

  const table: Array<[string, RegExp]> = [
    ['4101', /^Slurm: CANCELLED by 1000 \(job 4101 cancelled by uid 1000; ExitCode=0:15\)$/],
    ['4102', /^Slurm: TIMEOUT \(job 4102 reached its time limit; raise trainingService\.time; ExitCode=0:15\)$/],
    ['4103', /^Slurm: NODE_FAIL \(job 4103 its node failed; Reason=NodeDown, ExitCode=0:0\)$/],
    ['4104', /^Slurm: OUT_OF_MEMORY \(job 4104 ran out of memory; raise trainingService\.memPerTrial; ExitCode=0:125\)$/],
  ];
  for (const [id, detail] of table) {
    it(`${jobs.get(id)!.state}: lost, with Slurm's state and reason as the detail`, () => {
      const exit = slurmEnded(id);
      assert.equal(exit.cause, 'lost');
      assert.match(exit.detail ?? '', detail);
      assert.equal(exit.exitCode, undefined);
    });
  }

  it('a job Slurm ended after the trial command had recorded a failure keeps that exit code', () => {
    const exit = slurmEnded('4102', 3);
    assert.equal(exit.cause, 'lost');
    assert.equal(exit.exitCode, 3);
  });

  it('a trial that recorded exit 0 succeeded even if Slurm then cancelled the job (it was completing)', () => {
    assert.deepEqual({ ...slurmEnded('4101', 0), detail: undefined }, { trialId: 't1', cause: 'exited', exitCode: 0, detail: undefined });
  });

  it('FAILED with an exit code: the trial exited with it (from the exit record, else from ExitCode)', () => {
    assert.equal(slurmEnded('4105', 2).exitCode, 2);
    const withoutRecord = slurmEnded('4105');
    assert.equal(withoutRecord.cause, 'exited');
    assert.equal(withoutRecord.exitCode, 2);
    assert.match(withoutRecord.detail ?? '', /^Slurm: FAILED \(job 4105 ended with a non-zero exit code; Reason=NonZeroExitCode, ExitCode=2:0\); the batch script left no exit record$/);
  });

  it('our own kill and our maxTrialDuration win over Slurm\'s CANCELLED', () => {
    const final = jobs.get('4101');
    assert.equal(exitFromEvidence('t', { jobId: '4101', exitRecord: undefined, final, killedByUs: true, timedOut: false }).cause, 'killed');
    assert.equal(exitFromEvidence('t', { jobId: '4101', exitRecord: undefined, final, killedByUs: true, timedOut: true }).cause, 'timeout');
  });

  it('no state from Slurm and no exit record: lost, saying where to look', () => {
    const exit = exitFromEvidence('t', { jobId: '77', exitRecord: undefined, final: undefined, killedByUs: false, timedOut: false });
    assert.equal(exit.cause, 'lost');
    assert.match(exit.detail ?? '', /Slurm job 77 left the queue without an exit record .* stderr\.log/);
  });
});

describe('parseScontrolJob (the fallback where accounting is disabled)', () => {
  it('reads JobState, Reason and ExitCode of an ended job', () => {
    const line = 'JobId=301 JobName=nasctl-e-t UserId=root(0) GroupId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:02';
    const final = parseScontrolJob(line) as FinalJobState;
    assert.deepEqual(final, { jobId: '301', state: 'TIMEOUT', exitCode: '0:15', reason: 'TimeLimit' });
    assert.equal(describeFinalState(final), 'Slurm: TIMEOUT (job 301 reached its time limit; raise trainingService.time; Reason=TimeLimit, ExitCode=0:15)');
  });

  it('undefined for "slurm_load_jobs error: Invalid job id specified"', () => {
    assert.equal(parseScontrolJob('slurm_load_jobs error: Invalid job id specified\n'), undefined);
  });
});
