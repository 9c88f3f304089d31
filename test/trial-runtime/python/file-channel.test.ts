import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PYTHON_CLIENT_DIR, makeTempDir } from '../../daemon/training/local/recording-listener';
import { completesTornReply } from '../sdk/torn-reply';

test('python client over the file channel (reuse mode), earlier layout: replies from parameters/<k>.json in order, no_more_trials ends the loop', () => {
  const dir = makeTempDir('py-file');
  try {
    mkdirSync(path.join(dir.root, 'parameters'));
    const reply = (k: number, m: object): void => writeFileSync(path.join(dir.root, 'parameters', `${k}.json`), JSON.stringify(m) + '\n');
    reply(0, { type: 'parameters', trialId: 'a', sequence: 0, parameters: { x: 1 }, trialDir: dir.root });
    reply(1, { type: 'parameters', trialId: 'b', sequence: 1, parameters: { x: 2 }, trialDir: dir.root });
    reply(2, { type: 'no_more_trials' });
    writeFileSync(path.join(dir.root, 'w.py'), `import sys\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    nt.report_final_result(p["x"] * 10)\nprint(nt.is_under_nasctl())\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    const out = execFileSync('python3', ['w.py'], { cwd: dir.root, env, encoding: 'utf8', timeout: 10_000 });
    assert.equal(out.trim(), 'True');
    const lines = readFileSync(path.join(dir.root, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.slice(1), [
      { type: 'request_parameters' },
      { type: 'metric', trialId: 'a', kind: 'final', value: 10 },
      { type: 'request_parameters' },
      { type: 'metric', trialId: 'b', kind: 'final', value: 20 },
      { type: 'request_parameters' },
    ]);
  } finally {
    dir.remove();
  }
});

test('python client reads replies.jsonl by offset: a partial last line is not a reply until its newline is written', async () => {
  const dir = makeTempDir('py-partial');
  try {
    const replies = path.join(dir.root, 'replies.jsonl');
    writeFileSync(replies, JSON.stringify({ type: 'parameters', trialId: 'p0', sequence: 0, parameters: { k: 0 }, trialDir: dir.root }) + '\n{"type":"param');
    writeFileSync(path.join(dir.root, 'w.py'), `import sys, json\nsys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})\nimport nasctl_trial as nt\nseen = []\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    seen.append(nt.get_trial_id())\n    nt.report_final_result(p["k"])\nprint(json.dumps(seen))\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    await completesTornReply(dir.root, 'python3', ['w.py'], env, replies);
  } finally {
    dir.remove();
  }
});
