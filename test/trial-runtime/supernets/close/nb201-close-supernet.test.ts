import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from '../../nn/tf-cpu';
import { createRng } from '../../../../tuners/rng';
import { ConfigError } from '../../../../daemon/errors';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { archKey } from '../../../../trial-runtime/supernets/arch-key';
import { isCloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { Nb201CloseSupernet } from '../../../../trial-runtime/supernets/close/nb201-close-supernet';
import { Nb201Supernet } from '../../../../trial-runtime/supernets/nb201/nb201-supernet';
import { argmaxRows, gumbelNoise, straightThroughGumbel } from '../../../../trial-runtime/supernets/close/straight-through-gate';

import { TINY_CLOSE, assertCloseForwardsLeakFree } from './close-fixtures';

before(useCpuBackend);

const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|';

function weightOf(net: Nb201CloseSupernet, key: string): tf.Variable {
  const v = net.root.namedWeights().get(key);
  assert.ok(v, `no variable ${key}`);
  return v;
}

test('same space, arch keys and costs as nb201; registered as nb201-close; bad options name their key', () => {
  const close = createSupernet('nb201-close', { channels: 8, cellsPerStage: 1, inputSize: 28, inChannels: 1, numClasses: 10 });
  const plain = new Nb201Supernet({ channels: 8, cellsPerStage: 1, inputSize: 28, inChannels: 1, numClasses: 10 });
  assert.ok(isCloseSupernet(close));
  assert.deepEqual(close.searchSpace(), plain.searchSpace());
  const idx = close.parseArch(EXAMPLE);
  assert.deepEqual(idx, plain.parseArch(EXAMPLE));
  assert.equal(archKey(close, idx), archKey(plain, idx));
  assert.equal(archKey(close, idx), EXAMPLE);
  assert.deepEqual(close.cost(EXAMPLE), plain.cost(EXAMPLE));
  assert.deepEqual(close.costModel(), plain.costModel());
  assert.throws(() => createSupernet('nb201-close', { numCurriculums: 0 }), (e: unknown) => e instanceof ConfigError && e.path === '/numCurriculums');
  assert.throws(() => createSupernet('nb201-close', { gate: { gcnDims: [] } }), (e: unknown) => e instanceof ConfigError && e.path === '/gate/gcnDims');
});

test('every GLOW block, the gate and the level exist from the start (checkpointed); level defaults to 1', () => {
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-vars' });
  net.build();
  const names = [...net.root.namedWeights().keys()];
  for (let b = 0; b < 3; b++) assert.ok(names.includes(`cells.0.glow.${b}.nor_conv_3x3.conv.weight`));
  assert.ok(names.includes('gate.mlp.out.weight') && names.includes('gate.op_emb') && names.includes('close.level'));
  assert.equal(net.level(), 1);
  net.setLevel(3);
  assert.equal(net.level(), 3);
  assert.throws(() => net.setLevel(4), RangeError);
  assert.deepEqual(net.gateBlocks(EXAMPLE).every((b) => b >= 0 && b < 3), true);
  net.dispose();
});

test('straight-through Gumbel gate: forward one-hot over the active blocks, gradient of the soft probabilities', () => {
  const logits = tf.variable(tf.tensor2d([[0.5, -1, 2], [3, 0, 0]]), true, 'st-logits');
  const noise = gumbelNoise(createRng(3), 6);
  const g = tf.tidy(() => straightThroughGumbel(logits, noise));
  const rows = g.arraySync();
  for (const r of rows) {
    assert.equal(r.filter((v) => v === 1).length, 1);
    assert.equal(r.filter((v) => v === 0).length, 2);
  }
  const expected = argmaxRows(Array.from(logits.dataSync(), (v, i) => (v + (noise[i] as number)) / 5), 2, 3);
  assert.deepEqual(rows.map((r) => r.indexOf(1)), expected);
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(straightThroughGumbel(logits, noise), tf.tensor2d([[1, 2, 3], [4, 5, 6]]))) as tf.Scalar, [logits]);
  const grad = grads['st-logits'] as tf.Tensor;
  assert.ok(Array.from(grad.dataSync()).some((v) => Math.abs(v) > 1e-6), 'the soft gradient reaches the logits');
  tf.dispose([g, value, grad, logits]);
});

test('training step: the armed gate sends gradient to the gate and to every active block; eval is deterministic', () => {
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-grad' });
  net.build();
  net.setLevel(2);
  const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  const arch = net.parseArch(EXAMPLE);
  const vars = [...net.variablesForArch(arch), ...net.gateVariables()];
  net.armGate(createRng(1));
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, arch, { training: true }))) as tf.Scalar, vars);
  const gateGrads = net.gateVariables().filter((v) => grads[v.name] !== undefined && grads[v.name] !== null);
  assert.ok(gateGrads.some((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()).some((g) => g !== 0)), 'gradient reaches the gate network');
  for (let b = 0; b < 2; b++) assert.ok(grads[weightOf(net, `cells.0.glow.${b}.nor_conv_3x3.conv.weight`).name], `block ${b} is trained`);
  assert.equal(grads[weightOf(net, 'cells.0.glow.2.nor_conv_3x3.conv.weight').name], undefined, 'an inactive block gets no gradient');
  tf.dispose([value, ...Object.values(grads).filter((g): g is tf.Tensor => g !== null)]);

  const y1 = tf.tidy(() => net.forward(x, arch, { training: false }));
  const y2 = tf.tidy(() => net.forward(x, arch, { training: false }));
  assert.equal(maxAbsDiff(y1, y2), 0, 'same arch, same output twice');
  assert.deepEqual(net.gateBlocks(arch), net.gateBlocks(EXAMPLE));
  // An unarmed training forward (BN recalibration) uses the same argmax blocks: only those get gradients.
  const blocks = net.gateBlocks(arch);
  const hard = tf.variableGrads(() => tf.sum(net.forward(x, arch, { training: true })) as tf.Scalar, net.variablesForArch(arch));
  const used = weightOf(net, `cells.0.glow.${blocks[0]}.nor_conv_3x3.conv.weight`);
  const unused = weightOf(net, `cells.0.glow.${1 - (blocks[0] as number)}.nor_conv_3x3.conv.weight`);
  assert.ok(hard.grads[used.name]);
  if (!blocks.slice(1).includes(1 - (blocks[0] as number))) assert.equal(hard.grads[unused.name], undefined);
  tf.dispose([y1, y2, hard.value, ...Object.values(hard.grads).filter((g): g is tf.Tensor => g !== null), x]);
  net.dispose();
});

test('WIT copy and add, BN buffers included; gate inheritance adds (or copies) the last-layer column', () => {
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-wit' });
  net.build();
  const w = (b: number, leaf = 'conv.weight'): tf.Variable => weightOf(net, `cells.2.glow.${b}.nor_conv_1x1.${leaf}`);
  tf.tidy(() => w(0, 'bn.running_mean').assign(tf.fill(w(0, 'bn.running_mean').shape, 0.25)));
  const p0 = w(0).dataSync().slice();
  const c1 = w(1).dataSync().slice();
  net.inheritBlock(1, 0, 'add');
  assert.deepEqual(Array.from(w(1).dataSync()), Array.from(c1, (v, i) => Math.fround(v + (p0[i] as number))));
  assert.deepEqual(Array.from(w(1, 'bn.running_mean').dataSync()), new Array(8).fill(0.25));
  net.inheritBlock(2, 0, 'copy');
  assert.deepEqual(Array.from(w(2).dataSync()), Array.from(p0));
  assert.ok(maxAbsDiff(w(0), w(1)) > 0, 'the parent is untouched and differs from init + parent');

  const out = weightOf(net, 'gate.mlp.out.weight');
  const bias = weightOf(net, 'gate.mlp.out.bias');
  tf.tidy(() => bias.assign(tf.tensor1d([1, 2, 3])));
  const before = out.arraySync() as number[][];
  net.inheritGateRow(1, 0, 'add');
  const after = out.arraySync() as number[][];
  after.forEach((row, i) => {
    assert.equal(row[0], before[i]?.[0]);
    assert.equal(row[1], Math.fround((before[i]?.[1] as number) + (before[i]?.[0] as number)));
    assert.equal(row[2], before[i]?.[2]);
  });
  assert.deepEqual(Array.from(bias.dataSync()), [1, 3, 3]);
  net.inheritGateRow(2, 0, 'copy');
  assert.deepEqual((out.arraySync() as number[][]).map((r) => r[2]), before.map((r) => r[0]));
  assert.deepEqual(Array.from(bias.dataSync()), [1, 3, 1]);
  net.dispose();
});

test('no tensor leaks across armed training, unarmed training and eval forwards', () => {
  const net = new Nb201CloseSupernet({ ...TINY_CLOSE, scope: 'close-leak' });
  net.build();
  net.setLevel(3);
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
  const rng = createRng(0);
  const archs = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => rng.int(5)));
  assertCloseForwardsLeakFree(net, x, archs);
  x.dispose();
  net.dispose();
});
