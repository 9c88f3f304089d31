import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { COST_KEY, type CostModel } from '../../../tuners/search-space';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { generateSearchSpace } from '../../../trial-runtime/programs/ss-gen';
import { kebabName, parseProgramArgs } from '../../../trial-runtime/programs/parse-program-args';
import { applyParameters } from '../../../trial-runtime/programs/option-values';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS } from '../../../trial-runtime/programs/train-supernet';
import { UniformPathSampler } from '../../../trial-runtime/train/path-sampler';
import { createRng } from '../../../tuners/rng';
import { tempDir } from '../train/tiny-fixtures';
import { runProgram, standaloneEnv } from './program-fixtures';

test('generateSearchSpace: NNI keys plus a _cost model that agrees with the supernet on random archs', () => {
  for (const name of ['spos-cpu', 'spos', 'nb201']) {
    const space = generateSearchSpace(name);
    const cost = space[COST_KEY] as CostModel;
    const net = createSupernet(name);
    const keys = Object.keys(net.searchSpace());
    assert.deepEqual(Object.keys(space), [...keys, COST_KEY]);
    const s = new UniformPathSampler(net.searchSpace());
    for (let i = 0; i < 10; i++) {
      const arch = s.sample(createRng(i));
      const params = net.toParameters(arch) as Record<string, { _value?: unknown } | string>;
      let flops = cost.base.flops;
      keys.forEach((k) => {
        const p = params[k];
        const cand = typeof p === 'object' && p !== null ? String(p._value) : String(p);
        flops += cost.perChoice[k]?.[cand]?.flops ?? NaN;
      });
      assert.ok(Math.abs(flops - net.cost(arch).flops) < 1e-3, `${name}: ${flops} vs ${net.cost(arch).flops}`);
    }
  }
  assert.equal(COST_KEY in generateSearchSpace('nds-resnet'), false);
  assert.throws(() => generateSearchSpace('nope'), /unknown supernet space 'nope'/);
});

test('argv parsing and nasctl parameter overrides', () => {
  const o = parseProgramArgs(['--epochs', '3', '--lr', '0.05', '--no-flip', '--supernet-options', '{"dropout":0}'], TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  assert.equal(o.epochs, 3);
  assert.equal(o.lr, 0.05);
  assert.equal(o.flip, false);
  assert.deepEqual(o.supernetOptions, { dropout: 0 });
  assert.equal(o.batchSize, TRAIN_SUPERNET_DEFAULTS.batchSize);
  assert.throws(() => parseProgramArgs(['--epochs', 'x'], TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS), /--epochs: expected a number, got "x"/);
  assert.throws(() => parseProgramArgs(['--epoch', '3'], TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS), /Unknown option/);
  const p = applyParameters(o, TRAIN_SUPERNET_KINDS, { batch_size: 32, lr: { _value: 0.2, _idx: 1 }, mystery: 1 });
  assert.equal(p.options.batchSize, 32);
  assert.equal(p.options.lr, 0.2);
  assert.deepEqual(p.unknown, ['mystery']);
});

test('train-supernet dry mode writes the space of the supernet it would train, without training', async () => {
  const { dir, cleanup } = tempDir('nasctl-ssgen-');
  try {
    const out = path.join(dir, 'sub', 'space.json');
    const r = await runProgram('train-supernet', ['--space', 'spos-cpu', '--checkpoint-dir', path.join(dir, 'ckpt')], standaloneEnv({ NASCTL_GEN_SEARCH_SPACE: out }), 30_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), JSON.parse(JSON.stringify(generateSearchSpace('spos-cpu', { inputSize: 28, inChannels: 1, numClasses: 10 }))));
    assert.equal(fs.existsSync(path.join(dir, 'ckpt')), false);
    // train-arch builds its supernet for the dataset's shape too (here CIFAR-10: 32x32x3).
    const archOut = path.join(dir, 'arch-space.json');
    const a = await runProgram('train-arch', ['--space', 'spos-cpu', '--dataset', 'cifar10'], standaloneEnv({ NASCTL_GEN_SEARCH_SPACE: archOut }), 30_000);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(archOut, 'utf8')), JSON.parse(JSON.stringify(generateSearchSpace('spos-cpu', { inputSize: 32, inChannels: 3, numClasses: 10 }))));
    const bad = await runProgram('train-supernet', ['--space', 'nope'], standaloneEnv({ NASCTL_GEN_SEARCH_SPACE: out }), 30_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown supernet space 'nope'/);
  } finally {
    cleanup();
  }
});

test('train-supernet and train-arch run end to end standalone on a tiny budget (CPU backend)', async () => {
  const { dir, cleanup } = tempDir('nasctl-train-');
  try {
    const tiny = JSON.stringify({ stemChannels: 4, stageChannels: [8, 16], stageRepeats: [1, 1], lastChannels: 16, widthMultiplier: 1, depthMultiplier: 1, dropout: 0 });
    const common = ['--supernet-options', tiny, '--train-limit', '64', '--val-limit', '32', '--batch-size', '16', '--validation-batches', '1', '--validation-paths', '1'];
    const r = await runProgram('train-supernet', [...common, '--epochs', '2', '--checkpoint-dir', path.join(dir, 'ckpt')], standaloneEnv(), 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'ckpt')).sort(), ['epoch_001', 'epoch_002', 'latest']);
    assert.match(r.stdout, /"kind":"final"/);
    const resumed = await runProgram('train-supernet', [...common, '--epochs', '3', '--resume', 'auto', '--checkpoint-dir', path.join(dir, 'ckpt')], standaloneEnv(), 60_000);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed from .*latest \(epoch 2, step 8\)/);
    assert.match(resumed.stdout, /epoch 3\/3/);
    const a = await runProgram('train-arch', [...common, '--arch', '[1,2]', '--epochs', '1', '--checkpoint-dir', path.join(dir, 'arch')], standaloneEnv(), 60_000);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /test accuracy of \[1,2\]: [0-9.]+ \(10000 images\)/);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'arch', 'latest', 'manifest.json'), 'utf8')) as { extra: { arch: number[]; program: string } };
    assert.deepEqual(m.extra.arch, [1, 2]);
    assert.equal(m.extra.program, 'train-arch');
  } finally {
    cleanup();
  }
});

test('train-supernet --help lists every option with its kind and default, and trains nothing', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'trial-runtime', 'programs', 'train-supernet.js'), '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const name of Object.keys(TRAIN_SUPERNET_KINDS)) assert.match(r.stdout, new RegExp(`--(\\[no-\\])?${kebabName(name)}\\b`), name);
  assert.match(r.stdout, /--lr NUMBER\s+default: /);
});
