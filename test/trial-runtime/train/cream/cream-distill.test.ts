import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { creamLoss, softTargetCrossEntropy } from '../../../../trial-runtime/train/cream/distill-loss';
import { MetaMatchingNetwork, sigmoid } from '../../../../trial-runtime/train/cream/meta-matching';
import { decodeCreamState, encodeCreamState } from '../../../../trial-runtime/train/cream/cream-state';
import { createRng } from '../../../../tuners/rng';

before(useCpuBackend);

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('KD = mean_n Σ_c −p_teacher·log_softmax(student), by hand on 2×2', () => {
  // Student logits [0, ln 3] -> softmax [1/4, 3/4]; [0, 0] -> [1/2, 1/2].
  const kd = tf.tidy(() => softTargetCrossEntropy(tf.tensor2d([[0, Math.log(3)], [0, 0]]), tf.tensor2d([[1, 0], [0.5, 0.5]])).dataSync()[0] as number);
  close(kd, (-Math.log(0.25) + -Math.log(0.5)) / 2);
  // A teacher equal to the student gives the student's entropy.
  const ent = tf.tidy(() => softTargetCrossEntropy(tf.tensor2d([[0, Math.log(3)]]), tf.tensor2d([[0.25, 0.75]])).dataSync()[0] as number);
  close(ent, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
});

test('combined loss (ρ·KD + (2−ρ)·CE)/2 and ρ = sigmoid(−w)', () => {
  close(tf.tidy(() => creamLoss(tf.scalar(2), tf.scalar(1), 0.5).dataSync()[0] as number), (0.5 * 2 + 1.5 * 1) / 2);
  close(tf.tidy(() => creamLoss(tf.scalar(3), tf.scalar(1), 0.2).dataSync()[0] as number), (0.6 + 1.8) / 2);
  close(sigmoid(-0), 0.5);
  close(sigmoid(-Math.log(3)), 0.25);
});

test('meta teacher selection with a fixed weight vector: argmax score, ρ of the chosen teacher', () => {
  const m = new MetaMatchingNetwork(4, createRng(0));
  m.weight.set([1, -1, 0.5, 0]);
  m.bias = 0.1;
  const diffs = [Float32Array.from([0.1, 0.2, 0, 0]), Float32Array.from([0.3, -0.1, 0.2, 9]), Float32Array.from([-0.5, 0, 0, 0])];
  // Scores: 0.1 − 0.2 + 0.1 = 0.0; 0.3 + 0.1 + 0.1 + 0.1 = 0.6; −0.5 + 0.1 = −0.4.
  const c = m.select(diffs);
  assert.equal(c.index, 1);
  close(c.score, 0.6);
  close(c.rho, 1 / (1 + Math.exp(0.6)));
  assert.notEqual(c.rho, sigmoid(0.4), 'not the last entry\'s score (Cream quirk, deliberately not kept)');
  assert.throws(() => m.select([]), RangeError);
  assert.throws(() => m.score([1, 2]), /expects 4 values/);
});

test('meta hyper-gradient step: lr·⟨v,k⟩·ρ(1−ρ)·[d, 1], clipped to norm 1', () => {
  const m = new MetaMatchingNetwork(2, createRng(0));
  m.weight.set([0, 0]);
  const rho = 0.5;
  const norm = m.hyperStep(8, { rho, diff: Float32Array.from([1, -2]) }, 0.5);
  // coef = 0.5·8·0.25 = 1; grad = [1, −2, 1], norm √6 > 1: scaled by 1/√6, step lr 0.5.
  close(norm, Math.sqrt(6));
  close(m.weight[0] as number, -0.5 / Math.sqrt(6));
  close(m.weight[1] as number, 1 / Math.sqrt(6));
  close(m.bias, -0.5 / Math.sqrt(6));
  assert.equal(m.updates, 1);
});

test('strategy state round-trips exactly through base64; mismatched sizes are refused', () => {
  const board = [{ arch: [1, 2], prec1: 62.5, flops: 3.25, xSlice: Float32Array.from([0.1, -2.5e-8, 3]), pSlice: Float32Array.from([0.25, 0.75]) }];
  const meta = { weight: Float32Array.from([0.3, -0.7]), bias: 0.01, updates: 2 };
  const json = JSON.parse(JSON.stringify(encodeCreamState(board, meta))) as Record<string, unknown>;
  const back = decodeCreamState(json, { xLen: 3, pLen: 2, metaLen: 2, numKeys: 2 });
  assert.deepEqual(back.board, board);
  assert.deepEqual(back.meta, meta);
  assert.throws(() => decodeCreamState(json, { xLen: 4, pLen: 2, metaLen: 2, numKeys: 2 }), /board entry 0/);
});
