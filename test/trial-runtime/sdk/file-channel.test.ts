import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SDK_PATH, makeTempDir } from '../../daemon/training/local/recording-listener';
import { completesTornReply } from './torn-reply';

test('TS SDK over the file channel, earlier layout: parameters from parameters/0.json, metrics appended to messages.jsonl', () => {
  const dir = makeTempDir('sdk-file');
  try {
    mkdirSync(path.join(dir.root, 'parameters'));
    writeFileSync(path.join(dir.root, 'parameters', '0.json'), JSON.stringify({ type: 'parameters', trialId: 'f1', sequence: 0, parameters: { lr: 0.25 }, trialDir: dir.root }) + '\n');
    writeFileSync(path.join(dir.root, 'trial.js'), `const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => { const p = await sdk.getNextParameters(); sdk.reportFinal(p.lr * 2); console.log(sdk.isUnderNasctl(), await sdk.getNextParameters()); })();`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_TRIAL_ID: 'f1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    const out = execFileSync(process.execPath, ['trial.js'], { cwd: dir.root, env, encoding: 'utf8', timeout: 10_000 });
    assert.equal(out.trim(), 'true null');
    const lines = readFileSync(path.join(dir.root, 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.slice(1), [{ type: 'request_parameters' }, { type: 'metric', trialId: 'f1', kind: 'final', value: 0.5 }]);
    assert.equal(lines[0].type, 'hello');
  } finally {
    dir.remove();
  }
});

test('TS SDK in reuse mode: getTrialDir() is each trial\'s folder from its parameters, created on first call', () => {
  const dir = makeTempDir('sdk-trialdir');
  try {
    const folderOf = (id: string) => path.join(dir.root, 'trials', id);
    // Replies are written up front: the worker reads reply k (line k of replies.jsonl) after its k-th request.
    const replies = ['r1', 'r2'].map((id, k) => JSON.stringify({ type: 'parameters', trialId: id, sequence: k, parameters: { k }, trialDir: folderOf(id) }) + '\n');
    writeFileSync(path.join(dir.root, 'replies.jsonl'), replies.join('') + JSON.stringify({ type: 'no_more_trials' }) + '\n');
    writeFileSync(path.join(dir.root, 'trial.js'), `const sdk = require(${JSON.stringify(SDK_PATH)});
const fs = require('node:fs');
(async () => {
  let before = 'none';
  try { sdk.getTrialDir(); } catch (e) { before = e.message; }
  const out = [before];
  for (let p; (p = await sdk.getNextParameters()) !== null; ) {
    if (p.k === 1) fs.writeFileSync(sdk.getTrialDir() + '/x.txt', sdk.getTrialId());
    sdk.reportFinal(p.k);
  }
  console.log(JSON.stringify(out));
})();`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    delete env['NASCTL_TRIAL_DIR'];
    const out = JSON.parse(execFileSync(process.execPath, ['trial.js'], { cwd: dir.root, env, encoding: 'utf8', timeout: 10_000 })) as string[];
    assert.match(out[0]!, /getTrialDir\(\) before getNextParameters\(\)/);
    // r1 never asked for its folder, so it was never made; r2 wrote into its own.
    assert.equal(existsSync(folderOf('r1')), false);
    assert.equal(readFileSync(path.join(folderOf('r2'), 'x.txt'), 'utf8'), 'r2');
  } finally {
    dir.remove();
  }
});

test('TS SDK reads replies.jsonl by offset: a partial last line is not a reply until its newline is written', async () => {
  const dir = makeTempDir('sdk-partial');
  try {
    const replies = path.join(dir.root, 'replies.jsonl');
    writeFileSync(replies, JSON.stringify({ type: 'parameters', trialId: 'p0', sequence: 0, parameters: { k: 0 }, trialDir: dir.root }) + '\n{"type":"param');
    writeFileSync(path.join(dir.root, 'trial.js'), `const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => { const seen = []; for (let p; (p = await sdk.getNextParameters()) !== null; ) { seen.push(sdk.getTrialId()); sdk.reportFinal(p.k); } console.log(JSON.stringify(seen)); })();`);
    const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_CHANNEL_DIR: dir.root, NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e' };
    delete env['NASCTL_CHANNEL_FD'];
    await completesTornReply(dir.root, process.execPath, ['trial.js'], env, replies);
  } finally {
    dir.remove();
  }
});
