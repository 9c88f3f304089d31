import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { useCpuBackend } from '../nn/tf-cpu';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { saveCheckpoint } from '../../../trial-runtime/train/checkpoint';
import { generateSearchSpace } from '../../../trial-runtime/programs/ss-gen';
import { TINY_SPOS, tempDir } from '../train/tiny-fixtures';
import { metricLines, runProgram, standaloneEnv } from './program-fixtures';

const OPTS = { ...TINY_SPOS, inputSize: 28, numClasses: 10 };
const FAST = ['--recal-batches', '2', '--recal-batch-size', '16', '--val-batch-size', '32', '--val-batches', '1', '--train-limit', '64', '--val-limit', '32'];
let tmp: { dir: string; cleanup: () => void };
let ckpt: string;

before(async () => {
  await useCpuBackend();
  tmp = tempDir('nasctl-evaltrial-');
  const net = createSupernet('spos-cpu', { ...OPTS, scope: 'evaltrial' });
  net.build();
  ckpt = path.join(tmp.dir, 'supernet');
  saveCheckpoint(ckpt, {
    space: 'spos-cpu', supernetOptions: OPTS, epoch: 1, step: 10, metrics: {}, backend: 'cpu', rng: { seed: 0, scheme: 'per-step' }, lrSchedule: null,
    extra: { dataset: { name: 'fashion-mnist', valFraction: 0.1, seed: 0 }, normalization: { mean: [0.286], std: [0.353] } },
  }, net.root.namedWeights());
  net.dispose();
});

after(() => tmp.cleanup());

test('standalone: evaluates a random architecture and prints before, after and final metrics', async () => {
  const r = await runProgram('eval-arch-trial', ['--checkpoint', ckpt, ...FAST], standaloneEnv());
  assert.equal(r.code, 0, r.stderr);
  const m = metricLines(r.stdout);
  assert.deepEqual(m.map((x) => x.kind), ['intermediate', 'intermediate', 'final']);
  const final = m[2]?.value as { default: number; acc_before_bn: number; flops: number };
  assert.equal(final.default, m[1]?.value);
  assert.equal(final.acc_before_bn, m[0]?.value);
  assert.ok(final.default >= 0 && final.default <= 1);
  assert.ok(final.flops > 0);
  assert.match(r.stdout, /compute: cpu/);
});

test('a bad architecture or checkpoint ends with a clear stderr message and exit code 2', async () => {
  const bad = await runProgram('eval-arch-trial', ['--checkpoint', ckpt, '--arch', '[0,1,9]', ...FAST], standaloneEnv());
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /eval-arch-trial: error: .*LayerChoice3.*outside/);
  const missing = await runProgram('eval-arch-trial', ['--checkpoint', path.join(tmp.dir, 'nope')], standaloneEnv());
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope: checkpoint folder does not exist/);
  const corrupt = path.join(tmp.dir, 'corrupt');
  fs.cpSync(path.join(ckpt, 'latest'), corrupt, { recursive: true });
  fs.truncateSync(path.join(corrupt, 'weights.bin'), 8);
  const c = await runProgram('eval-arch-trial', ['--checkpoint', corrupt], standaloneEnv());
  assert.equal(c.code, 2);
  assert.match(c.stderr, /weights\.bin: has 8 bytes .*truncated/);
  const noArg = await runProgram('eval-arch-trial', [], standaloneEnv());
  assert.equal(noArg.code, 2);
  assert.match(noArg.stderr, /--checkpoint: is required/);
});

test('dry mode (ss_gen) writes the checkpoint space with its cost model and exits 0', async () => {
  const out = path.join(tmp.dir, 'space.json');
  const r = await runProgram('eval-arch-trial', ['--checkpoint', ckpt], standaloneEnv({ NASCTL_GEN_SEARCH_SPACE: out }));
  assert.equal(r.code, 0, r.stderr);
  const space = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(space, JSON.parse(JSON.stringify(generateSearchSpace('spos-cpu', OPTS))));
  assert.deepEqual(Object.keys(space), ['LayerChoice1', 'LayerChoice2', 'LayerChoice3', '_cost']);
  assert.doesNotMatch(r.stdout, /"metric"/);
});

test('reuse mode: one worker loads the checkpoint once and evaluates trials until no_more_trials', async () => {
  const net = createSupernet('spos-cpu', OPTS);
  const trials = [[0, 1, 2], [3, 3, 3]].map((a, i) => ({ type: 'parameters', trialId: `t${i}`, sequence: i, parameters: net.toParameters(a), trialDir: tmp.dir }));
  const received: { type: string; trialId?: string; kind?: string }[] = [];
  const r = await runProgram('eval-arch-trial', ['--checkpoint', ckpt, ...FAST], standaloneEnv({ NASCTL_CHANNEL_FD: '3', NASCTL_REUSE: '1', NASCTL_EXPERIMENT_ID: 'e1' }), 60_000, (ch: Duplex) => {
    let buf = '';
    ch.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i)) as { type: string };
        buf = buf.slice(i + 1);
        received.push(msg);
        if (msg.type === 'request_parameters') {
          const next = trials.shift();
          ch.write(JSON.stringify(next ?? { type: 'no_more_trials' }) + '\n');
        }
      }
    });
    ch.on('error', () => undefined);
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((r.stdout.match(/checkpoint .*: spos-cpu/g) ?? []).length, 1, 'checkpoint loaded once');
  const metrics = received.filter((m) => m.type === 'metric');
  assert.deepEqual(metrics.map((m) => `${m.trialId}:${m.kind}`), ['t0:intermediate', 't0:intermediate', 't0:final', 't1:intermediate', 't1:intermediate', 't1:final']);
  assert.equal(received.filter((m) => m.type === 'request_parameters').length, 3);
});
