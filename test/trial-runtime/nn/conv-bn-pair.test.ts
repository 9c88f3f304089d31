import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from './tf-cpu';
import { Conv2d } from '../../../trial-runtime/nn/conv2d';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { ConvBnPair, type PairActivation } from '../../../trial-runtime/nn/conv-bn-pair';
import { FoldedConvBn } from '../../../trial-runtime/nn/folded-conv-bn';
import { relativeError } from '../compute/backends';
import { randomizeEvalStats } from './bn-fixtures';

before(useCpuBackend);

let scopes = 0;

/** A built conv (inC -> outC) and BN with random running stats and affine parameters. */
function makeConvBn(inC: number, outC: number, k: number, stride = 1): { conv: Conv2d; bn: BatchNorm } {
  const scope = `t-pair-${scopes++}`;
  const conv = new Conv2d('conv', { inChannels: inC, outChannels: outC, kernelSize: k, stride, init: { kind: 'normal', std: 0.3, seed: 4 } });
  const bn = new BatchNorm('bn', { channels: outC });
  conv.build(scope);
  bn.build(scope);
  randomizeEvalStats(bn, 1);
  return { conv, bn };
}

const err = (a: tf.Tensor, b: tf.Tensor): number => relativeError(a.dataSync() as Float32Array, b.dataSync() as Float32Array);

test('ConvBnPair: fused = plain eval for none / ReLU / a function activation; training mode ignores fuse', () => {
  const { conv, bn } = makeConvBn(6, 8, 3, 2);
  const x = tf.randomNormal([2, 9, 9, 6], 0, 1, 'float32', 5) as tf.Tensor4D;
  const acts: PairActivation[] = ['none', 'relu', (y) => tf.mul(y, tf.sigmoid(y))];
  for (const act of acts) {
    const pair = new ConvBnPair(conv, bn, act);
    tf.tidy(() => assert.ok(err(pair.apply(x, false, true), pair.apply(x, false)) < 1e-5));
    assert.equal(pair.foldCount, 1);
    tf.tidy(() => void pair.apply(x, true, true));
    assert.equal(pair.foldCount, 1, 'a training-mode pass must not fold');
    pair.release();
    assert.equal(pair.cached, false);
  }
  conv.dispose();
  bn.dispose();
  x.dispose();
});

test('ConvBnPair.applySliced: fused prefixes and block-diagonal groups of the folded kernel = the plain sliced chain', () => {
  const { conv, bn } = makeConvBn(8, 12, 3);
  const pair = new ConvBnPair(conv, bn, 'relu');
  for (const slice of [{ inChannels: 8, outChannels: 12 }, { inChannels: 4, outChannels: 6 }, { inChannels: 8, outChannels: 12, groups: 2 }, { inChannels: 6, outChannels: 6, groups: 3 }]) {
    const x = tf.randomNormal([2, 7, 7, slice.inChannels], 0, 1, 'float32', 6) as tf.Tensor4D;
    tf.tidy(() => assert.ok(err(pair.applySliced(x, slice, false, true), pair.applySliced(x, slice, false)) < 1e-5, JSON.stringify(slice)));
    x.dispose();
  }
  assert.equal(pair.foldCount, 1, 'every slice is cut from the one folded kernel');
  pair.release();
  const dw = new Conv2d('dw', { inChannels: 4, outChannels: 4, kernelSize: 3, groups: 4 });
  const dwBn = new BatchNorm('dwbn', { channels: 4 });
  dw.build('t-pair-dw');
  dwBn.build('t-pair-dw');
  assert.throws(() => tf.tidy(() => new FoldedConvBn(dw, dwBn, false).applySliced(tf.zeros([1, 4, 4, 2]), { inChannels: 2, outChannels: 2 })), RangeError);
  dw.dispose();
  dwBn.dispose();
  conv.dispose();
  bn.dispose();
});

test('FoldedConvBn with bnOffset: two convs folded over their halves of one BN = BN over their concat, refold and gradients too', () => {
  const scope = 't-pair-offset';
  const conv1 = new Conv2d('c1', { inChannels: 4, outChannels: 3, kernelSize: 1, stride: 2, init: { kind: 'normal', std: 0.5, seed: 1 } });
  const conv2 = new Conv2d('c2', { inChannels: 4, outChannels: 3, kernelSize: 1, stride: 2, init: { kind: 'normal', std: 0.5, seed: 2 } });
  const bn = new BatchNorm('bn', { channels: 6 });
  for (const m of [conv1, conv2, bn]) m.build(scope);
  randomizeEvalStats(bn, 1);
  const halves = [new FoldedConvBn(conv1, bn, false, 0), new FoldedConvBn(conv2, bn, false, 3)] as const;
  const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
  const fused = (): tf.Tensor4D => tf.concat([halves[0].apply(x), halves[1].apply(x)], 3);
  const plain = (): tf.Tensor4D => bn.apply(tf.concat([conv1.apply(x), conv2.apply(x)], 3), false);
  tf.tidy(() => assert.ok(err(fused(), plain()) < 1e-5));
  tf.tidy(() => bn.evalParameters().shift?.assign(tf.randomNormal([6], 0, 1, 'float32', 8)));
  tf.tidy(() => assert.ok(err(fused(), plain()) < 1e-5, 'after a BN write'));
  assert.deepEqual([halves[0].foldCount, halves[1].foldCount], [2, 2]);
  const vars = [...conv1.trainableVariables(), ...conv2.trainableVariables(), ...bn.trainableVariables()];
  const g1 = tf.variableGrads(() => tf.sum(tf.square(fused())), vars);
  const g2 = tf.variableGrads(() => tf.sum(tf.square(plain())), vars);
  for (const v of vars) assert.ok(err(g1.grads[v.name] as tf.Tensor, g2.grads[v.name] as tf.Tensor) < 1e-4, `gradient of ${v.name}`);
  tf.dispose([g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
  assert.throws(() => new FoldedConvBn(conv1, bn, false, 4), RangeError);
  assert.throws(() => new FoldedConvBn(conv1, bn, false), RangeError);
  assert.throws(() => tf.tidy(() => halves[0].applySliced(x, { inChannels: 4, outChannels: 2 })), RangeError);
  for (const h of halves) h.release();
  for (const m of [conv1, conv2, bn]) m.dispose();
  x.dispose();
});
