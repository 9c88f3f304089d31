import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { countCorrect, smoothedCrossEntropy } from '../../../trial-runtime/train/loss';

before(useCpuBackend);

function handLoss(logits: number[][], labels: number[], eps: number): number {
  let total = 0;
  logits.forEach((row, i) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    row.forEach((v, k) => {
      const target = (k === labels[i] ? 1 - eps : 0) + eps / row.length;
      total -= target * (v - lse);
    });
  });
  return total / logits.length;
}

test('label-smoothed cross-entropy matches a hand computation', () => {
  const logits = [[2, 0.5, -1], [0, 0, 3]];
  const labels = [0, 1];
  for (const eps of [0, 0.1, 0.5]) {
    const got = tf.tidy(() => smoothedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), eps).dataSync()[0] as number);
    assert.ok(Math.abs(got - handLoss(logits, labels, eps)) < 1e-5, `eps ${eps}: ${got}`);
  }
  assert.throws(() => smoothedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), 1), RangeError);
});

test('countCorrect counts arg-max hits', () => {
  const n = tf.tidy(() => countCorrect(tf.tensor2d([[2, 1], [0, 1], [5, 1]]), tf.tensor1d([0, 1, 1], 'int32')));
  assert.equal(n, 2);
});
