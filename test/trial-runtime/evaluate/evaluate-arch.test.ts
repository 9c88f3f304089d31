import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { ConfigError } from '../../../daemon/errors';
import type { ImageDataset } from '../../../trial-runtime/data/dataset';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { ArchEvaluator } from '../../../trial-runtime/evaluate/evaluate-arch';
import { SupernetTrainer } from '../../../trial-runtime/train/supernet-trainer';
import { CheckpointError } from '../../../trial-runtime/train/checkpoint-error';
import { TINY_SHAPE, TINY_SPOS, tempDir, tinySplit } from '../train/tiny-fixtures';

before(useCpuBackend);

const DS: ImageDataset = { name: 'tiny', numClasses: 4, shape: TINY_SHAPE, train: tinySplit(64, 1), val: tinySplit(32, 2) };

test('evaluate-arch: loads once, before/after recalibration, repeatable, no leaks, bad arch rejected', async () => {
  const { dir, cleanup } = tempDir('nasctl-eval-');
  try {
    const net = createSupernet('spos-cpu', { ...TINY_SPOS, scope: 'eval-train' });
    const trainer = new SupernetTrainer(net, { train: DS.train, val: DS.val, shape: DS.shape }, {
      epochs: 8, batchSize: 8, lr: 0.1, seed: 1, normalization: null, space: 'spos-cpu', supernetOptions: { ...TINY_SPOS }, backend: 'cpu', saveEvery: 4, checkpointDir: dir, validationPaths: 1,
    });
    const metrics = await trainer.run();
    assert.ok((metrics[7]?.valAccuracy ?? 0) > 0.4, `the tiny task is learnable: ${JSON.stringify(metrics[7])}`);
    trainer.dispose();
    net.dispose();

    const ev = await ArchEvaluator.open(dir, { recalBatches: 4, recalBatchSize: 16, valBatchSize: 16 }, { loaded: DS });
    const befores: number[] = [];
    const r1 = await ev.evaluate([1, 0, 2], (a) => befores.push(a));
    assert.equal(befores.length, 1);
    assert.equal(befores[0], r1.accuracyBefore);
    assert.equal(r1.recalImages, 64);
    assert.equal(r1.valImages, 32);
    assert.ok(r1.accuracy >= 0 && r1.accuracy <= 1 && Number.isFinite(r1.loss));
    // Above chance (0.25 on 4 classes): the exact value moves with float rounding of the 8-epoch run.
    assert.ok(r1.accuracy > 0.3, `recalibrated accuracy ${r1.accuracy}`);
    assert.equal(r1.flops, ev.net.cost([1, 0, 2]).flops);
    await ev.evaluate([3, 3, 3]);
    const n = tf.memory().numTensors;
    const r2 = await ev.evaluate({ LayerChoice1: { _value: '1', _idx: 1 }, LayerChoice2: { _value: '0', _idx: 0 }, LayerChoice3: { _value: '2', _idx: 2 } });
    assert.equal(tf.memory().numTensors, n);
    // The checkpoint's BN statistics are restored before each architecture: same result.
    assert.equal(r2.accuracyBefore, r1.accuracyBefore);
    assert.equal(r2.accuracy, r1.accuracy);
    await assert.rejects(ev.evaluate([0, 0, 4]), (e: unknown) => e instanceof ConfigError && /LayerChoice3/.test(e.message));
    ev.dispose();
    await assert.rejects(ArchEvaluator.open(`${dir}/missing`, { recalBatches: 1, recalBatchSize: 8, valBatchSize: 8 }, { loaded: DS }), CheckpointError);
    const wrongShape: ImageDataset = { ...DS, shape: [8, 8, 3], train: { ...DS.train, images: new Uint8Array(64 * 192) }, val: { ...DS.val, images: new Uint8Array(32 * 192) } };
    await assert.rejects(ArchEvaluator.open(dir, { recalBatches: 1, recalBatchSize: 8, valBatchSize: 8 }, { loaded: wrongShape }), /8x8x1 images but dataset tiny has 8x8x3/);
  } finally {
    cleanup();
  }
});
