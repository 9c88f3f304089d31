import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import type { Supernet } from '../../../trial-runtime/supernets/supernet';
import { readCheckpoint, restoreWeights, saveCheckpoint } from '../../../trial-runtime/train/checkpoint';
import { CheckpointError } from '../../../trial-runtime/train/checkpoint-error';
import { SupernetTrainer, type TrainerOptions } from '../../../trial-runtime/train/supernet-trainer';
import { TINY_SHAPE, TINY_SPOS, tempDir, tinySplit } from './tiny-fixtures';

before(useCpuBackend);

const DATA = { train: tinySplit(48, 1), val: tinySplit(16, 2), shape: TINY_SHAPE };
let scopes = 0;

function tinyNet(): Supernet {
  return createSupernet('spos-cpu', { ...TINY_SPOS, seed: 3, scope: `ckpt-test-${scopes++}` });
}

function options(epochs: number, dir?: string): TrainerOptions {
  return {
    epochs, batchSize: 8, lr: 0.2, labelSmoothing: 0.1, seed: 7, normalization: null, augment: { pad: 1, flip: true }, validationPaths: 1,
    space: 'spos-cpu', supernetOptions: { ...TINY_SPOS }, backend: 'cpu', saveEvery: dir ? 1 : 0, checkpointDir: dir,
  };
}

function snapshot(net: Supernet): Map<string, Float32Array> {
  return new Map([...net.root.namedWeights()].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

test('resume from a checkpoint continues bit-identically (2 epochs straight = 1 + save/load + 1)', async () => {
  const { dir, cleanup } = tempDir('nasctl-ckpt-');
  try {
    const a = tinyNet();
    const straight = new SupernetTrainer(a, DATA, options(2));
    await straight.run();
    const expected = snapshot(a);
    const expectedMomentum = straight.sgd.stateValues();

    const b = tinyNet();
    const firstHalf = new SupernetTrainer(b, DATA, options(2, dir));
    assert.equal((await firstHalf.run(1)).length, 1);
    firstHalf.dispose();
    b.dispose();

    const c = tinyNet();
    c.build();
    const ckpt = readCheckpoint(path.join(dir, 'epoch_001'));
    assert.equal(ckpt.manifest.epoch, 1);
    assert.equal(ckpt.manifest.step, 6);
    restoreWeights(ckpt, c.root.namedWeights(), { space: 'spos-cpu', supernetOptions: { ...TINY_SPOS } });
    const resumed = new SupernetTrainer(c, DATA, options(2));
    resumed.resumeFrom(ckpt);
    const metrics = await resumed.run();
    assert.equal(metrics.length, 1);
    assert.equal(metrics[0]?.epoch, 2);
    const got = snapshot(c);
    for (const [k, v] of expected) assert.deepEqual(got.get(k), v, `variable ${k} differs after resume`);
    assert.deepEqual(resumed.sgd.stateValues(), expectedMomentum);
    straight.dispose();
    resumed.dispose();
    a.dispose();
    c.dispose();
  } finally {
    cleanup();
  }
});

test('checkpoint layout: epoch_NNN and latest with weights.bin, optimizer.bin, manifest.json', async () => {
  const { dir, cleanup } = tempDir('nasctl-ckpt-');
  try {
    const net = tinyNet();
    const t = new SupernetTrainer(net, DATA, { ...options(2, dir), saveEvery: 2 });
    await t.run();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['epoch_002', 'latest']);
    for (const d of ['epoch_002', 'latest']) assert.deepEqual(fs.readdirSync(path.join(dir, d)).sort(), ['manifest.json', 'optimizer.bin', 'weights.bin']);
    const m = readCheckpoint(dir).manifest;
    assert.equal(m.space, 'spos-cpu');
    assert.equal(m.epoch, 2);
    assert.equal(m.backend, 'cpu');
    assert.ok(m.metrics['val_acc'] !== undefined);
    const names = [...net.root.namedWeights().keys()];
    assert.deepEqual(m.weights.entries.map((e) => e.name), names);
    const total = [...net.root.namedWeights().values()].reduce((s, v) => s + v.size, 0);
    assert.equal(fs.statSync(path.join(dir, 'latest', 'weights.bin')).size, total * 4);
    t.dispose();
    net.dispose();
  } finally {
    cleanup();
  }
});

test('corrupt and mismatched checkpoints fail with errors naming the file and the problem', () => {
  const { dir, cleanup } = tempDir('nasctl-ckpt-');
  try {
    const net = tinyNet();
    net.build();
    const info = { space: 'spos-cpu', supernetOptions: { ...TINY_SPOS }, epoch: 1, step: 1, metrics: {}, backend: 'cpu', rng: { seed: 0, scheme: 'per-step' as const }, lrSchedule: null, extra: {} };
    const good = saveCheckpoint(dir, info, net.root.namedWeights());
    const expect = { space: 'spos-cpu', supernetOptions: { ...TINY_SPOS } };
    const fails = (p: string, re: RegExp, file: string): void => {
      assert.throws(() => restoreWeights(readCheckpoint(p), net.root.namedWeights(), expect), (e: unknown) => e instanceof CheckpointError && re.test(e.message) && e.file.endsWith(file), `${re}`);
    };
    const copy = (name: string): string => {
      const d = path.join(dir, name);
      fs.cpSync(good, d, { recursive: true });
      return d;
    };
    // missing folder, not a checkpoint folder
    fails(path.join(dir, 'nope'), /does not exist/, 'nope');
    fs.mkdirSync(path.join(dir, 'empty'));
    fails(path.join(dir, 'empty'), /not a nasctl checkpoint folder/, 'empty');
    // truncated weights
    const t = copy('truncated');
    fs.truncateSync(path.join(t, 'weights.bin'), 100);
    fails(t, /has 100 bytes but the manifest describes \d+ \(truncated/, 'weights.bin');
    // flipped bytes
    const c = copy('corrupt');
    const buf = fs.readFileSync(path.join(c, 'weights.bin'));
    buf[10] = (buf[10] as number) ^ 0xff;
    fs.writeFileSync(path.join(c, 'weights.bin'), buf);
    fails(c, /sha256/, 'weights.bin');
    // manifest not JSON
    const j = copy('badjson');
    fs.writeFileSync(path.join(j, 'manifest.json'), '{"format": ');
    fails(j, /not valid JSON/, 'manifest.json');
    // other space, other options, other shapes
    const editManifest = (name: string, edit: (m: Record<string, unknown>) => void): string => {
      const d = copy(name);
      const m = JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      edit(m);
      fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(m));
      return d;
    };
    fails(editManifest('space', (m) => (m['space'] = 'nb201')), /space 'nb201' but the supernet is 'spos-cpu'/, 'manifest.json');
    fails(editManifest('opts', (m) => ((m['supernetOptions'] as Record<string, unknown>)['lastChannels'] = 32)), /option 'lastChannels' is 32 in the checkpoint but 16 here/, 'manifest.json');
    fails(
      editManifest('shape', (m) => {
        const e = (m['weights'] as { entries: { shape: number[] }[] }).entries[0] as { shape: number[] };
        e.shape = [e.shape.reduce((a, b) => a * b, 1)];
      }),
      /variable 'first_conv\.conv\.weight' has shape \[\d+\] in the checkpoint but \[3,3,1,4\]/,
      'manifest.json',
    );
    const other = createSupernet('spos-cpu', { ...TINY_SPOS, stageRepeats: [1, 1], scope: 'ckpt-test-other' });
    other.build();
    assert.throws(
      () => restoreWeights(readCheckpoint(good), other.root.namedWeights(), { space: 'spos-cpu', supernetOptions: { ...TINY_SPOS, stageRepeats: [1, 1] } }),
      /option 'stageRepeats'/,
    );
    other.dispose();
    net.dispose();
  } finally {
    cleanup();
  }
});

test('trainer: no tensor leaks across epochs, only the sampled path changes in a step', async () => {
  const net = tinyNet();
  const t = new SupernetTrainer(net, DATA, options(3));
  net.build();
  const before = snapshot(net);
  const x = new Float32Array(8 * 64).fill(0.5);
  const y = new Int32Array(8);
  t.trainStep(x, y, 8, [0, 0, 0], 0.1);
  const after = snapshot(net);
  for (const [k, v] of before) {
    const onPath = !/stage\d\.block\d\.choice[123]\./.test(k);
    if (!onPath) assert.deepEqual(after.get(k), v, `${k} is off the path but changed`);
  }
  assert.notDeepEqual(after.get('classifier.weight'), before.get('classifier.weight'));
  await t.run();
  const t2 = new SupernetTrainer(net, DATA, options(2));
  t2.resumeFrom({ dir: '', manifest: { epoch: 0, step: 0 } as never, weights: new Map(), optimizerState: t.sgd.stateValues() });
  const n = tf.memory().numTensors;
  const buffers = t2.sgd.stateNames().length;
  await t2.run();
  // The only new tensors allowed: momentum buffers of variables first touched in these epochs.
  assert.equal(tf.memory().numTensors - n, t2.sgd.stateNames().length - buffers, 'tensors leaked over two epochs');
  t.dispose();
  t2.dispose();
  net.dispose();
});
