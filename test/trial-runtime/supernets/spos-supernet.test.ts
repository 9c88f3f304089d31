import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { SposSupernet } from '../../../trial-runtime/supernets/spos/spos-supernet';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { recalibrateBatchNorm } from '../../../trial-runtime/nn/bn-recalibration';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { ConfigError } from '../../../daemon/errors';
import { createRng } from '../../../tuners/rng';
import { checkArch, costFromModel, randomArch } from './supernet-checks';

before(useCpuBackend);

const RELEASED = [2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3];

test('full-size FLOPs reproduce the paper: released arch 323M, space extremes and per-layer table', () => {
  const net = new SposSupernet();
  assert.equal(net.numLayers, 20);
  assert.equal(Math.round(net.flops(RELEASED) / 1e5) / 10, 322.9);
  assert.equal(Math.round(net.flops(RELEASED) / 1e6), 323);
  assert.equal(Math.round(net.flops(Array(20).fill(0)) / 1e5) / 10, 295.8);
  assert.equal(Math.round(net.flops(Array(20).fill(3)) / 1e5) / 10, 358.8);
  const cm = net.costModel();
  assert.equal(Math.round(cm.base.flops / 1e4) / 100, 38.56);
  const layer = (k: string): number[] => ['0', '1', '2', '3'].map((c) => Math.round((cm.perChoice[k]?.[c]?.flops ?? 0) / 1e4) / 100);
  assert.deepEqual(layer('LayerChoice1'), [13.4, 15.81, 19.42, 13.15]);
  assert.deepEqual(layer('LayerChoice6'), [10.6, 11.6, 13.11, 16.75]);
  assert.deepEqual(layer('LayerChoice20'), [10.18, 10.43, 10.8, 15.48]);
  // README: 3.5M params for the released model.
  assert.equal(Math.round(net.params(RELEASED) / 1e5) / 10, 3.5);
});

test('cost model agrees with flops()/params() on 50 random architectures', () => {
  for (const net of [new SposSupernet(), createSupernet('spos-cpu')]) {
    assert.ok(net.costModel());
    const rng = createRng(3);
    for (let i = 0; i < 50; i++) {
      const arch = randomArch(net, rng);
      assert.deepEqual(net.cost(arch), costFromModel(net, arch));
    }
  }
});

test('search space uses NNI keys and candidate names; NNI parameters round-trip', () => {
  const net = new SposSupernet();
  const space = net.searchSpace();
  assert.deepEqual(Object.keys(space).slice(0, 3), ['LayerChoice1', 'LayerChoice2', 'LayerChoice3']);
  assert.deepEqual(space.LayerChoice20, { _type: 'layer_choice', _value: ['0', '1', '2', '3'] });
  const params = net.toParameters(RELEASED);
  assert.deepEqual(params.LayerChoice1, { _value: '2', _idx: 2 });
  assert.deepEqual(net.parseArch(params), RELEASED);
});

test('architectures outside the space fail with an error naming the key', () => {
  const net = new SposSupernet();
  const bad = net.toParameters(RELEASED);
  bad.LayerChoice7 = { _value: '4', _idx: 4 };
  assert.throws(() => net.parseArch(bad), (e: unknown) => e instanceof ConfigError && e.path === '/LayerChoice7' && /outside \[0, 3\]/.test(e.message));
  const mismatch = net.toParameters(RELEASED);
  mismatch.LayerChoice2 = { _value: '3', _idx: 1 };
  assert.throws(() => net.parseArch(mismatch), /LayerChoice2.*does not match _idx 1/);
  const missing = net.toParameters(RELEASED);
  delete missing.LayerChoice20;
  assert.throws(() => net.parseArch(missing), /lacks key 'LayerChoice20'/);
  assert.throws(() => net.parseArch([0, 1]), /has 2 choices but the space has 20 keys/);
  assert.throws(() => net.flops([...RELEASED.slice(0, 19), 9]), (e: unknown) => e instanceof ConfigError && e.path === '/LayerChoice20');
});

test('spos-cpu: forward shapes, path-only gradients and no leaks for random architectures', () => {
  const net = createSupernet('spos-cpu', { seed: 1, scope: 'test-spos-cpu' });
  assert.deepEqual(net.inputShape, [28, 28, 1]);
  assert.equal(Object.keys(net.searchSpace()).length, 10);
  const rng = createRng(5);
  for (let i = 0; i < 3; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});

test('BN recalibration sets the stem BN to the exact statistics of its inputs', () => {
  const net = createSupernet('spos-cpu', { seed: 2, scope: 'test-spos-recal' });
  const arch = Array(10).fill(1);
  net.build();
  const batches = [0, 1, 2].map((i) => tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 20 + i) as tf.Tensor4D);
  const used = recalibrateBatchNorm(net.root, batches, (x) => tf.tidy(() => void net.forward(x, arch, { training: true })));
  assert.equal(used, 3);
  const w = net.root.namedWeights().get('first_conv.conv.weight') as tf.Variable;
  const z = tf.conv2d(tf.concat(batches, 0), w as tf.Tensor4D, 2, 1);
  const { mean, variance } = tf.moments(z, [0, 1, 2]);
  const n = z.shape[0] * z.shape[1] * z.shape[2];
  const named = net.root.namedWeights();
  const rm = named.get('first_conv.bn.running_mean') as tf.Variable;
  const rv = named.get('first_conv.bn.running_var') as tf.Variable;
  const d = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
  assert.ok(d(rm, mean) < 1e-5);
  assert.ok(d(rv, tf.mul(variance, n / (n - 1))) < 1e-4);
  // A block off the path keeps its reset statistics.
  const off = [...net.root.walk()].find((m) => m instanceof BatchNorm && m.path.startsWith('stage1.block1.choice0')) as BatchNorm;
  const s = off.runningStats();
  assert.deepEqual(Array.from(s.mean.dataSync()).slice(0, 2), [0, 0]);
  tf.dispose([z, mean, variance, s.mean, s.variance, ...batches]);
  net.dispose();
});
