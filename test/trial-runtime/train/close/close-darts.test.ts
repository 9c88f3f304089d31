import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { tempDir } from '../tiny-fixtures';
import { parseProgramArgs } from '../../../../trial-runtime/programs/parse-program-args';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS, trainSupernet } from '../../../../trial-runtime/programs/train-supernet';
import { readCheckpoint } from '../../../../trial-runtime/train/checkpoint';
import { evaluateArchList } from '../../../../trial-runtime/evaluate/eval-arch-list';
import { ArchEvaluator } from '../../../../trial-runtime/evaluate/evaluate-arch';
import { readRolloutsFile } from '../../../../trial-runtime/ranking/rollouts';
import { DartsCloseSupernet } from '../../../../trial-runtime/supernets/close/darts-close-supernet';
import { DARTS_MIXED, DARTS_V2 } from '../../supernets/close/close-fixtures';

let tmp: { dir: string; cleanup: () => void };
before(async () => {
  await useCpuBackend();
  tmp = tempDir('nasctl-close-darts-');
});
after(() => tmp.cleanup());

const SUPERNET = { channels: 4, layers: 3, numCurriculums: 2, gate: { opDim: 8, nodeDim: 8, hiddenDim: 8, gcnDims: [16, 16], mlpDims: [16] } };

test('train-supernet --space darts-close --strategy close on Fashion-MNIST (3 one-step epochs): a level is added, checkpoints record it, eval-arch scores genotypes with them', async () => {
  const dir = path.join(tmp.dir, 'ckpt');
  const o = parseProgramArgs(
    [
      '--space', 'darts-close', '--strategy', 'close', '--strategy-options', JSON.stringify({ clSchedule: [1, 2], lrRestartEpochs: [2] }), '--supernet-options', JSON.stringify(SUPERNET),
      '--dataset', 'fashion-mnist', '--train-limit', '16', '--val-limit', '8', '--epochs', '3', '--batch-size', '4', '--max-steps-per-epoch', '1',
      '--validation-paths', '1', '--validation-batches', '1', '--checkpoint-dir', dir, '--lr', '0.05', '--weight-decay', '5e-4', '--no-flip', '--augment-pad', '0',
    ],
    TRAIN_SUPERNET_KINDS,
    TRAIN_SUPERNET_DEFAULTS,
  );
  const logs: string[] = [];
  const baseline = tf.memory().numTensors;
  const r = await trainSupernet(o, { log: (l) => logs.push(l), backend: 'cpu' });
  assert.equal(tf.memory().numTensors - baseline, 0, 'training and checkpointing leak no tensors');
  assert.equal(r.epochs.length, 3);
  assert.ok(r.epochs.every((m) => Number.isFinite(m.trainLoss)), JSON.stringify(r.epochs));
  assert.equal(logs.filter((l) => /add a new global op weight \(level 2, block 1 from block 0/.test(l)).length, 1, logs.join('\n'));
  assert.ok(logs.some((l) => /learning-rate schedule restarted/.test(l)), logs.join('\n'));
  const m = readCheckpoint(path.join(dir, 'latest')).manifest;
  assert.equal(m.space, 'darts-close');
  assert.deepEqual(m.extra['strategy'], { name: 'close', state: { level: 2, clSchedule: [1, 2] } });

  const ev = await ArchEvaluator.open(dir, { recalBatches: 1, recalBatchSize: 4, valBatchSize: 8, valBatches: 1, skipBefore: true });
  try {
    assert.ok(ev.net instanceof DartsCloseSupernet && ev.net.level() === 2, 'the evaluator rebuilds darts-close at the trained level');
    const a = await ev.evaluate(DARTS_MIXED);
    const b = await ev.evaluate(DARTS_MIXED);
    assert.equal(a.accuracy, b.accuracy);
    assert.equal(a.loss, b.loss);
    assert.deepEqual({ flops: a.flops, params: a.params }, ev.net.cost(DARTS_MIXED));
  } finally {
    ev.dispose();
  }

  const out = path.join(tmp.dir, 'rollouts.jsonl');
  const recs = await evaluateArchList([DARTS_V2, DARTS_MIXED], [dir], { recalBatches: 1, recalBatchSize: 4, valBatchSize: 8, valBatches: 1, skipBefore: true }, out);
  assert.equal(recs.length, 2);
  const { header, records } = readRolloutsFile(out);
  assert.equal(header.space, 'darts-close');
  assert.match(records[0]?.arch ?? '', /^Genotype\(normal=\[\('sep_conv_3x3', 0\)/, 'rollouts are keyed by the DARTS genotype string');
  for (const rec of records) assert.ok(rec.score >= 0 && rec.score <= 1);
});
