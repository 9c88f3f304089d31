/** Shared by the TS SDK and Python client tests of the file channel: a reply line torn in two. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { withTimeout } from '../../daemon/training/local/recording-listener';
import { until } from '../../daemon/server/daemon-process';

/**
 * Runs the trial, waits until it asks for its second reply (whose line is still partial), checks
 * it is still waiting, then finishes that line (trial p1) and adds no_more_trials: the trial must
 * have run p0 and p1 and nothing else.
 */
export async function completesTornReply(root: string, command: string, args: string[], env: NodeJS.ProcessEnv, replies: string): Promise<void> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const requests = (): number => (existsSync(path.join(root, 'messages.jsonl')) ? readFileSync(path.join(root, 'messages.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"request_parameters"')).length : 0);
  try {
    await until(() => (requests() >= 2 || child.exitCode !== null ? true : undefined), 10_000, 'the second request', 5);
    assert.equal(child.exitCode, null, `the trial ended on the partial line: ${err}`);
    appendFileSync(replies, 'eters","trialId":"p1","sequence":1,"parameters":{"k":1},"trialDir":' + JSON.stringify(root) + '}\n' + JSON.stringify({ type: 'no_more_trials' }) + '\n');
    assert.equal(await withTimeout(exited, 10_000, 'the trial to end'), 0, err);
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), ['p0', 'p1']);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
