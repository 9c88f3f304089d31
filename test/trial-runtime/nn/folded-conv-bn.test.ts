import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './tf-cpu';
import { Conv2d } from '../../../trial-runtime/nn/conv2d';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { FoldedConvBn } from '../../../trial-runtime/nn/folded-conv-bn';
import { relativeError } from '../compute/backends';
import { randomizeEvalStats } from './bn-fixtures';

before(useCpuBackend);

interface Pair {
  conv: Conv2d;
  bn: BatchNorm;
  folded: FoldedConvBn;
}

/** A conv + BN with non-trivial running stats (and scale/shift when affine). */
function makePair(name: string, o: { k: number; stride: number; depthwise: boolean; affine: boolean; bias: boolean; relu: boolean }): Pair {
  const c = 6;
  const conv = new Conv2d(`${name}.conv`, { inChannels: c, outChannels: c, kernelSize: o.k, stride: o.stride, groups: o.depthwise ? c : 1, bias: o.bias, init: { kind: 'normal', std: 0.3, seed: 3 } });
  const bn = new BatchNorm(`${name}.bn`, { channels: c, affine: o.affine });
  conv.build('t-fold');
  bn.build('t-fold');
  randomizeEvalStats(bn, 11);
  tf.tidy(() => conv.parameters().bias?.assign(tf.randomNormal([c], 0, 1, 'float32', 15)));
  return { conv, bn, folded: new FoldedConvBn(conv, bn, o.relu) };
}

function plain(p: Pair, x: tf.Tensor4D): tf.Tensor4D {
  const y = p.bn.apply(p.conv.apply(x), false);
  return p.folded.relu ? tf.relu(y) : y;
}

function compare(p: Pair, x: tf.Tensor4D): number {
  return tf.tidy(() => relativeError(p.folded.apply(x).dataSync() as Float32Array, plain(p, x).dataSync() as Float32Array));
}

function dispose(p: Pair): void {
  p.folded.release();
  p.conv.dispose();
  p.bn.dispose();
}

const CASES = [
  { k: 3, stride: 1, depthwise: false, affine: false, bias: false, relu: true },
  { k: 3, stride: 2, depthwise: false, affine: true, bias: true, relu: false },
  { k: 1, stride: 1, depthwise: false, affine: false, bias: false, relu: true },
  { k: 5, stride: 2, depthwise: true, affine: false, bias: false, relu: false },
  { k: 7, stride: 1, depthwise: true, affine: true, bias: true, relu: true },
];

test('folded conv+BN(+ReLU) equals the plain eval chain (dense/depthwise, strides, affine, conv bias)', () => {
  const x = tf.randomNormal([2, 9, 9, 6], 0, 1, 'float32', 5) as tf.Tensor4D;
  CASES.forEach((o, i) => {
    const p = makePair(`case${i}`, o);
    assert.ok(compare(p, x) < 1e-4, `case ${i}: ${compare(p, x)}`);
    dispose(p);
  });
  x.dispose();
});

test('every write to a source variable refolds (BN update, recalibration, optimizer step, assign); reads do not', () => {
  const p = makePair('inval', { k: 3, stride: 1, depthwise: false, affine: true, bias: false, relu: true });
  const x = tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 6) as tf.Tensor4D;
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 1);
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 1, 'an unchanged layer reuses its folded kernel');
  // A training-mode pass blends batch statistics into the running stats.
  tf.tidy(() => void p.bn.apply(tf.mul(p.conv.apply(x), 3) as tf.Tensor4D, true));
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 2);
  // Exact recalibration writes the stats at its end.
  p.bn.beginRecalibration();
  tf.tidy(() => void p.bn.apply(tf.add(p.conv.apply(x), 2) as tf.Tensor4D, true));
  p.bn.endRecalibration();
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 3);
  // An optimizer step changes the conv weight and the BN scale/shift.
  const opt = tf.train.sgd(0.5);
  opt.minimize(() => tf.sum(tf.square(plain(p, x))) as tf.Scalar, false, [p.conv.parameters().weight, ...p.bn.trainableVariables()]);
  opt.dispose();
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 4);
  // A checkpoint restore or snapshot assigns.
  tf.tidy(() => p.bn.evalParameters().variance.assign(tf.fill([6], 4)));
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 5);
  p.bn.resetRunningStats();
  assert.ok(compare(p, x) < 1e-4);
  assert.equal(p.folded.foldCount, 6);
  x.dispose();
  dispose(p);
});

test('while gradients are recorded it runs the plain chain, so the weights get gradients', () => {
  const p = makePair('grad', { k: 3, stride: 1, depthwise: true, affine: true, bias: false, relu: true });
  const x = tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 7) as tf.Tensor4D;
  const w = p.conv.parameters().weight;
  const fused = tf.variableGrads(() => tf.sum(tf.square(p.folded.apply(x))) as tf.Scalar, [w]);
  const ref = tf.variableGrads(() => tf.sum(tf.square(plain(p, x))) as tf.Scalar, [w]);
  const g = fused.grads[w.name] as tf.Tensor;
  assert.ok(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0] as number) > 0);
  assert.ok(relativeError(g.dataSync() as Float32Array, (ref.grads[w.name] as tf.Tensor).dataSync() as Float32Array) < 1e-5);
  tf.dispose([fused.value, ref.value, ...Object.values(fused.grads), ...Object.values(ref.grads)]);
  x.dispose();
  dispose(p);
});

test('the cache holds two tensors, survives tidy, is replaced without leaks and freed by release()', () => {
  const p = makePair('leak', { k: 1, stride: 1, depthwise: false, affine: false, bias: false, relu: false });
  const x = tf.randomNormal([1, 3, 3, 6], 0, 1, 'float32', 8) as tf.Tensor4D;
  const base = tf.memory().numTensors;
  tf.tidy(() => void p.folded.apply(x));
  assert.equal(tf.memory().numTensors, base + 2);
  assert.ok(p.folded.cached);
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => void p.folded.apply(x));
    p.bn.resetRunningStats();
  }
  assert.equal(tf.memory().numTensors, base + 2);
  p.folded.release();
  assert.equal(tf.memory().numTensors, base);
  assert.ok(!p.folded.cached);
  x.dispose();
  dispose(p);
});

test('grouped convs and mismatched BNs are refused', () => {
  const conv = new Conv2d('g.conv', { inChannels: 4, outChannels: 4, kernelSize: 1, groups: 2 });
  assert.throws(() => new FoldedConvBn(conv, new BatchNorm('g.bn', { channels: 4 }), false), /only dense or depthwise/);
  const dense = new Conv2d('d.conv', { inChannels: 4, outChannels: 4, kernelSize: 1 });
  assert.throws(() => new FoldedConvBn(dense, new BatchNorm('d.bn', { channels: 3 }), false), /has 3 channels/);
});
