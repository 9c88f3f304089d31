import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { createSupernet, type SupernetOptions } from '../../../../trial-runtime/supernets/registry';
import type { Supernet } from '../../../../trial-runtime/supernets/supernet';
import { SupernetTrainer, type TrainerOptions } from '../../../../trial-runtime/train/supernet-trainer';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import { CreamStrategy } from '../../../../trial-runtime/train/cream/cream-strategy';
import { creamLoss, softTargetCrossEntropy } from '../../../../trial-runtime/train/cream/distill-loss';
import { smoothedCrossEntropy } from '../../../../trial-runtime/train/loss';
import { readCheckpoint, restoreWeights } from '../../../../trial-runtime/train/checkpoint';
import { createRng } from '../../../../tuners/rng';
import { TINY_SHAPE, tempDir, tinySplit } from '../tiny-fixtures';

before(useCpuBackend);

/** cream-cpu's structure at 8×8×1 with 4 classes (the tiny fixtures' data), fast on plain JS. */
const TINY_CREAM: SupernetOptions = { inputSize: 8, numClasses: 4, flopsInputSize: 8 };
const BATCH = 8;

function setup(dir: string, scope: string, strategyOptions: Record<string, unknown>): { net: Supernet; strategy: CreamStrategy; trainer: SupernetTrainer } {
  const net = createSupernet('cream-cpu', { ...TINY_CREAM, seed: 3, scope });
  const strategy = createStrategy('cream', { net, options: strategyOptions, epochs: 2, seed: 0, checkpointDir: dir, log: () => undefined }) as CreamStrategy;
  assert.ok(strategy instanceof CreamStrategy);
  const split = tinySplit(64, 1);
  const options: TrainerOptions = {
    epochs: 2, batchSize: BATCH, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4, labelSmoothing: 0.1, seed: 0, strategy,
    maxStepsPerEpoch: 3, validationPaths: 1, validationBatches: 1, validationRecalBatches: 0, normalization: null, saveEvery: 1, checkpointDir: dir,
    space: 'cream-cpu', supernetOptions: TINY_CREAM as Record<string, unknown>, backend: 'cpu',
  };
  return { net, strategy, trainer: new SupernetTrainer(net, { train: split, val: tinySplit(16, 2), shape: TINY_SHAPE }, options) };
}

test('cream-cpu training fills the board, publishes board.json, distils, checkpoints and resumes with the board', async () => {
  const { dir, cleanup } = tempDir('nasctl-cream-');
  try {
    const opts = { metaStaEpoch: 0, poolSize: 3, updateIter: 2, boardWriteEvery: 1 };
    const a = setup(dir, 'cream-train-a', opts);
    await a.trainer.run(1);
    const board = a.strategy.entries;
    assert.equal(board.length, 3, 'three steps after a warm-up of 0 epochs fill a board of 3');
    for (let i = 1; i < board.length; i++) assert.ok((board[i - 1] as { prec1: number }).prec1 >= (board[i] as { prec1: number }).prec1, 'sorted by prec1');
    assert.equal(a.strategy.meta.updates, 1, 'one meta update at step 2 of the epoch');

    const file = JSON.parse(fs.readFileSync(path.join(dir, 'board.json'), 'utf8')) as { updatedAt: string; epoch: number; step: number; entries: { arch: number[]; prec1: number; flops: number }[] };
    assert.deepEqual(Object.keys(file), ['updatedAt', 'epoch', 'step', 'entries']);
    assert.equal(file.epoch, 1);
    assert.equal(file.step, 3);
    assert.ok(!Number.isNaN(Date.parse(file.updatedAt)));
    assert.deepEqual(file.entries, board.map((b) => ({ arch: [...b.arch], prec1: b.prec1, flops: b.flops })));
    assert.ok(file.entries.every((e) => e.arch.length === 10 && e.flops > 0 && e.prec1 >= 0 && e.prec1 <= 100));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('tmp')), [], 'no temp file left behind');

    // Distillation: with a teacher the loss is (ρ·KD + (2−ρ)·CE)/2, not the plain CE.
    const split = tinySplit(8, 5);
    const xs = tf.tensor4d(Float32Array.from(split.images, (v) => v / 255), [8, 8, 8, 1]);
    const ys = tf.tensor1d(Int32Array.from(split.labels), 'int32');
    const ctx = { epoch: 1, step: 0, globalStep: 3 };
    const arch = a.strategy.samplePath(createRng(7), ctx);
    const teacher = a.strategy.currentTeacher;
    assert.ok(teacher, 'a teacher is chosen once the board is non-empty');
    assert.ok(teacher.rho > 0 && teacher.rho < 1);
    const [loss, ce, expected] = tf.tidy(() => {
      const tLogits = a.net.forward(xs, teacher.arch, { training: true });
      const logits = a.net.forward(xs, arch, { training: true });
      const base = (): tf.Scalar => smoothedCrossEntropy(logits, ys, 0.1);
      const l = a.strategy.loss({ xs, labels: ys, logits, arch, baseLoss: base, ctx });
      const want = creamLoss(softTargetCrossEntropy(logits, tf.softmax(tLogits)), base(), teacher.rho);
      return [l, base(), want].map((t) => t.dataSync()[0] as number);
    });
    assert.ok(Math.abs((loss as number) - (expected as number)) < 1e-5, `${loss} vs ${expected}`);
    assert.ok(Math.abs((loss as number) - (ce as number)) > 1e-4, 'distilled loss differs from plain CE');
    // No gradient reaches the teacher: the loss's gradient w.r.t. a teacher-only block is absent.
    const teacherOnly = a.net.variablesForArch(teacher.arch).filter((v) => !a.net.variablesForArch(arch).includes(v));
    if (teacherOnly.length > 0) {
      const g = tf.variableGrads(() => {
        const logits = a.net.forward(xs, arch, { training: true });
        return a.strategy.loss({ xs, labels: ys, logits, arch, baseLoss: () => smoothedCrossEntropy(logits, ys, 0.1), ctx });
      }, [...a.net.variablesForArch(arch), ...teacherOnly]);
      assert.ok(teacherOnly.every((v) => g.grads[v.name] === undefined), 'teacher-only weights get no gradient');
      g.value.dispose();
      tf.dispose(Object.values(g.grads));
    }
    tf.dispose([xs, ys]);

    // Resume from the epoch-1 checkpoint: the board and meta weights come back.
    const b = setup(dir, 'cream-train-b', opts);
    const ckpt = readCheckpoint(dir);
    restoreWeights(ckpt, b.net.root.namedWeights(), { space: 'cream-cpu', supernetOptions: TINY_CREAM as Record<string, unknown> });
    b.trainer.resumeFrom(ckpt);
    assert.deepEqual(b.strategy.entries, board);
    assert.deepEqual(b.strategy.meta.weight, a.strategy.meta.weight);
    assert.equal(b.strategy.meta.updates, 1);
    const epochs = await b.trainer.run();
    assert.deepEqual(epochs.map((m) => m.epoch), [2]);
    assert.ok(b.strategy.entries.length === 3);
    assert.equal((JSON.parse(fs.readFileSync(path.join(dir, 'board.json'), 'utf8')) as { epoch: number }).epoch, 2);
    for (const r of [a, b]) {
      r.trainer.dispose();
      r.net.dispose();
    }
  } finally {
    cleanup();
  }
});

test('no tensor leaks across distilled steps with teacher selection and meta updates', () => {
  const { dir, cleanup } = tempDir('nasctl-cream-leak-');
  try {
    const { net, strategy, trainer } = setup(dir, 'cream-leak', { metaStaEpoch: 0, poolSize: 2, updateIter: 1 });
    const split = tinySplit(BATCH, 3);
    const x = Float32Array.from(split.images, (v) => v / 255);
    const y = Int32Array.from(split.labels);
    const fixed = Array(10).fill(3) as number[];
    const step = (k: number): void => {
      const ctx = { epoch: 0, step: k, globalStep: k };
      strategy.samplePath(createRng(k), ctx);
      const [loss, correct] = trainer.trainStep(x, y, BATCH, fixed, 0.01, ctx);
      strategy.afterStep({ arch: fixed, loss, correct, size: BATCH, x, y, lr: 0.01, ctx });
    };
    step(0);
    step(1);
    assert.ok(strategy.currentTeacher, 'distilling from step 1 on');
    const before = tf.memory().numTensors;
    for (let k = 2; k < 5; k++) step(k);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(strategy.meta.updates >= 3);
    trainer.dispose();
    net.dispose();
  } finally {
    cleanup();
  }
});
