import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SlurmCli } from '../../../../daemon/training/slurm/slurm-cli';

/**
 * Stand-in Slurm tools (shell scripts in a bin dir given to SlurmCli): each logs its call to
 * calls.log and prints what the test put in <tool>.out (exit code in <tool>.rc, stderr in <tool>.err).
 */
function fakeBin(root: string, tools: string[]): { dir: string; calls(): string[]; set(tool: string, out: string, rc?: number, err?: string): void } {
  const dir = mkdtempSync(path.join(root, 'bin-'));
  const log = path.join(dir, 'calls.log');
  for (const tool of tools) {
    const script = path.join(dir, tool);
    writeFileSync(
      script,
      `#!/bin/sh\necho "${tool} $*" >> '${log}'\n[ -f '${script}.out' ] && cat '${script}.out'\n[ -f '${script}.err' ] && cat '${script}.err' >&2\nexit $(cat '${script}.rc' 2>/dev/null || echo 0)\n`,
    );
    chmodSync(script, 0o755);
  }
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    set(tool, out, rc = 0, err = '') {
      writeFileSync(path.join(dir, `${tool}.out`), out);
      writeFileSync(path.join(dir, `${tool}.rc`), String(rc));
      writeFileSync(path.join(dir, `${tool}.err`), err);
    },
  };
}

const SCONTROL_TIMEOUT = 'JobId=11 JobName=nasctl-e-a UserId=u(1) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15\n';

describe('SlurmCli.finalStates: sacct, and the fallback to scontrol', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nasctl-slurm-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('uses sacct when accounting works (parsable2 output), without asking scontrol', async () => {
    const bin = fakeBin(root, ['sacct', 'scontrol']);
    bin.set('sacct', '11|TIMEOUT|0:15|None\n12|CANCELLED by 1000|0:15|None\n12.batch|CANCELLED|0:15|\n');
    const cli = new SlurmCli({ binDir: bin.dir });
    const states = await cli.finalStates(['11', '12']);
    assert.deepEqual(states.get('11'), { jobId: '11', state: 'TIMEOUT', exitCode: '0:15', reason: 'None' });
    assert.equal(states.get('12')?.state, 'CANCELLED by 1000');
    assert.deepEqual(bin.calls(), ['sacct -n -P -X -j 11,12 -o JobID,State,ExitCode,Reason']);
  });

  it('"Slurm accounting storage is disabled": scontrol gives the state and reason, and sacct is not asked again', async () => {
    const bin = fakeBin(root, ['sacct', 'scontrol']);
    bin.set('sacct', '', 1, 'Slurm accounting storage is disabled\n');
    bin.set('scontrol', SCONTROL_TIMEOUT);
    const notices: string[] = [];
    const cli = new SlurmCli({ binDir: bin.dir, onNotice: (line) => notices.push(line) });
    assert.deepEqual(await cli.finalStates(['11']), new Map([['11', { jobId: '11', state: 'TIMEOUT', exitCode: '0:15', reason: 'TimeLimit' }]]));
    await cli.finalStates(['11']);
    assert.deepEqual(bin.calls(), ['sacct -n -P -X -j 11 -o JobID,State,ExitCode,Reason', 'scontrol show job -o 11', 'scontrol show job -o 11']);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /accounting storage is disabled; job end states come from `scontrol show job`/);
  });

  it('sacct not installed: scontrol, once noticed', async () => {
    const bin = fakeBin(root, ['scontrol']);
    bin.set('scontrol', SCONTROL_TIMEOUT);
    const notices: string[] = [];
    const cli = new SlurmCli({ binDir: bin.dir, onNotice: (line) => notices.push(line) });
    assert.equal((await cli.finalStates(['11'])).get('11')?.state, 'TIMEOUT');
    assert.equal((await cli.finalStates(['11'])).get('11')?.reason, 'TimeLimit');
    assert.deepEqual(notices.length, 1);
    assert.match(notices[0]!, /sacct is not installed/);
  });

  it('jobs sacct does not know yet, or still shows as running (accounting lags), are asked of scontrol', async () => {
    const bin = fakeBin(root, ['sacct', 'scontrol']);
    bin.set('sacct', '10|COMPLETED|0:0|None\n11|RUNNING|0:0|None\n');
    bin.set('scontrol', SCONTROL_TIMEOUT);
    const cli = new SlurmCli({ binDir: bin.dir });
    const states = await cli.finalStates(['10', '11']);
    assert.equal(states.get('10')?.state, 'COMPLETED');
    assert.equal(states.get('11')?.state, 'TIMEOUT');
    assert.deepEqual(bin.calls().slice(1), ['scontrol show job -o 11']);
  });

  it('a job neither knows (purged) is absent: the caller goes by the exit record', async () => {
    const bin = fakeBin(root, ['sacct', 'scontrol']);
    bin.set('sacct', '', 1, 'Slurm accounting storage is disabled\n');
    bin.set('scontrol', '', 1, 'slurm_load_jobs error: Invalid job id specified\n');
    const cli = new SlurmCli({ binDir: bin.dir });
    assert.equal((await cli.finalStates(['99'])).size, 0);
  });
});
