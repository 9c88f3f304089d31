import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { Sgd, decaysWeight } from '../../../trial-runtime/train/sgd';

before(useCpuBackend);

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs((actual[i] as number) - e) < tol, `index ${i}: ${actual[i]} vs ${e}`));
}

test('decay rule: only conv/linear weights (name ends in weight, rank > 1)', () => {
  assert.equal(decaysWeight('stage1.block1.choice0.pw1.weight', [1, 1, 4, 8]), true);
  assert.equal(decaysWeight('classifier.weight', [16, 4]), true);
  assert.equal(decaysWeight('first_conv.bn.weight', [4]), false);
  assert.equal(decaysWeight('classifier.bias', [4]), false);
  assert.equal(decaysWeight('first_conv.bn.running_mean', [4]), false);
});

test('momentum SGD matches a hand computation over three steps (PyTorch semantics)', () => {
  const w = tf.variable(tf.tensor2d([[1, -2]]), true, 'sgd-test-a');
  const opt = new Sgd({ momentum: 0.9, weightDecay: 0.1 });
  // hand: g' = g + 0.1 w; buf1 = g'; buf = 0.9 buf + g'; w -= lr buf
  let wv = [1, -2];
  let buf: number[] | undefined;
  const grads = [[0.5, 0.25], [-1, 1], [0.1, 0.2]];
  for (const g of grads) {
    const gt = tf.tensor2d([g]);
    opt.step([{ name: 'x.weight', variable: w, grad: gt }], 0.1);
    gt.dispose();
    const gd = g.map((v, i) => v + 0.1 * (wv[i] as number));
    buf = buf === undefined ? gd : buf.map((b, i) => 0.9 * b + (gd[i] as number));
    wv = wv.map((x, i) => x - 0.1 * (buf as number[])[i]!);
    close(w.dataSync(), wv);
  }
  opt.dispose();
  w.dispose();
});

test('Nesterov: direction is g + m·buf', () => {
  const w = tf.variable(tf.tensor1d([1]), true, 'sgd-test-n');
  const opt = new Sgd({ momentum: 0.5, nesterov: true, weightDecay: 0 });
  const step = (g: number): void => {
    const t = tf.tensor1d([g]);
    opt.step([{ name: 'b.bias', variable: w, grad: t }], 1);
    t.dispose();
  };
  step(2); // buf = 2; d = 2 + 0.5*2 = 3; w = 1 - 3 = -2
  close(w.dataSync(), [-2]);
  step(1); // buf = 0.5*2 + 1 = 2; d = 1 + 0.5*2 = 2; w = -4
  close(w.dataSync(), [-4]);
  opt.dispose();
  w.dispose();
});

test('variables without a gradient get no update, no decay and keep their momentum buffer', () => {
  const a = tf.variable(tf.tensor2d([[1, 1]]), true, 'sgd-test-b');
  const b = tf.variable(tf.tensor2d([[3, 3]]), true, 'sgd-test-c');
  const opt = new Sgd({ momentum: 0.9, weightDecay: 0.5 });
  const g = tf.tensor2d([[1, 1]]);
  opt.step([{ name: 'a.weight', variable: a, grad: g }, { name: 'b.weight', variable: b, grad: g }], 0.1);
  const bAfterFirst = Array.from(b.dataSync());
  const bufBefore = opt.stateValues().find((s) => s.name === 'b.weight')?.values.slice();
  for (let i = 0; i < 3; i++) opt.step([{ name: 'a.weight', variable: a, grad: g }], 0.1);
  assert.deepEqual(Array.from(b.dataSync()), bAfterFirst);
  assert.deepEqual(opt.stateValues().find((s) => s.name === 'b.weight')?.values, bufBefore);
  assert.deepEqual(opt.stateNames(), ['a.weight', 'b.weight']);
  g.dispose();
  opt.dispose();
  a.dispose();
  b.dispose();
});

test('decay applies to conv/linear weights only, not to BN scales or biases', () => {
  const kernel = tf.variable(tf.ones([1, 2]), true, 'sgd-test-k');
  const scale = tf.variable(tf.ones([2]), true, 'sgd-test-s');
  const opt = new Sgd({ momentum: 0, weightDecay: 0.5 });
  const z2 = tf.zeros([1, 2]);
  const z1 = tf.zeros([2]);
  opt.step([{ name: 'conv.weight', variable: kernel, grad: z2 }, { name: 'bn.weight', variable: scale, grad: z1 }], 1);
  close(kernel.dataSync(), [0.5, 0.5]);
  close(scale.dataSync(), [1, 1]);
  assert.deepEqual(opt.stateNames(), []);
  assert.throws(() => opt.step([{ name: 'conv.weight', variable: kernel, grad: z1 }], 1), /shape/);
  tf.dispose([z1, z2, kernel, scale]);
});

test('no tensors leak across steps once buffers exist; options are checked', () => {
  const w = tf.variable(tf.ones([3, 3]), true, 'sgd-test-l');
  const opt = new Sgd();
  const g = tf.ones([3, 3]);
  opt.step([{ name: 'w.weight', variable: w, grad: g }], 0.1);
  const n = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) opt.step([{ name: 'w.weight', variable: w, grad: g }], 0.1);
  assert.equal(tf.memory().numTensors, n);
  opt.dispose();
  tf.dispose([w, g]);
  assert.throws(() => new Sgd({ momentum: -1 }), RangeError);
  assert.throws(() => new Sgd({ momentum: 0, nesterov: true }), /Nesterov/);
});
