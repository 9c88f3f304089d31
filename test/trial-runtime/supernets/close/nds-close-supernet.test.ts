import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from '../../nn/tf-cpu';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { archKey } from '../../../../trial-runtime/supernets/arch-key';
import { isCloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { NdsCloseSupernet, ndsDefaultSchedule } from '../../../../trial-runtime/supernets/close/nds-close-supernet';
import { ConfigError } from '../../../../daemon/errors';

before(useCpuBackend);

const TINY = { inputSize: 8, inChannels: 1, numClasses: 4, depths: [1, 2, 4], widths: [8, 16], numStages: 2 };

test('nds-*-close: same space, genotype keys and costs as nds-*; released block counts; numCurriculums bounded by the positions', () => {
  for (const kind of ['resnet', 'resnexta'] as const) {
    const close = createSupernet(`nds-${kind}-close`, {});
    const plain = createSupernet(`nds-${kind}`, {});
    assert.ok(isCloseSupernet(close));
    assert.equal(close.numCurriculums, kind === 'resnet' ? 17 : 13);
    assert.equal((close as NdsCloseSupernet).positions, kind === 'resnet' ? 23 : 15);
    assert.deepEqual(close.searchSpace(), plain.searchSpace());
    const arch = Object.values(close.searchSpace()).map((s) => (s._value as unknown[]).length - 1);
    assert.equal(archKey(close, arch), archKey(plain, arch));
    assert.deepEqual(close.cost(arch), plain.cost(arch));
  }
  assert.throws(() => createSupernet('nds-resnet-close', { ...TINY, numCurriculums: 4 }), (e: unknown) => e instanceof ConfigError && e.path === '/numCurriculums' && /at most 3/.test(e.message));
  assert.deepEqual(ndsDefaultSchedule(17), [...new Array(9).fill(0), 0.2, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 0.8]);
  assert.deepEqual(ndsDefaultSchedule(13), [...new Array(9).fill(0), 0.2, 0.4, 0.6, 0.8]);
});

test('positions map to shared blocks by level; gradients reach exactly the mapped blocks; WIT from the split parent', () => {
  const net = new NdsCloseSupernet('resnet', { ...TINY, numCurriculums: 3, scope: 'nds-close-a' });
  net.build();
  assert.deepEqual(net.mapping(), [0, 0, 0]);
  const deep = net.parseArch({ 'depths.0': 4, 'depths.1': 4, 'widths.0': 16, 'widths.1': 16 });
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const gradsOf = (arch: number[]): string[] => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, arch, { training: true }))) as tf.Scalar, net.root.trainableVariables());
    const keys = Object.keys(grads).filter((k) => grads[k] !== null);
    tf.dispose([value, ...Object.values(grads).filter((g): g is tf.Tensor => g !== null)]);
    const byEngine = new Map([...net.root.namedWeights()].map(([k, v]) => [v.name, k]));
    return keys.map((k) => byEngine.get(k) as string).filter((k) => k.includes('.glow.')).map((k) => k.split('.').slice(0, 4).join('.'));
  };
  assert.deepEqual([...new Set(gradsOf(deep))].sort(), ['stages.0.glow.0', 'stages.1.glow.0']);
  assert.equal(net.parentBlock(1), 0);
  net.inheritBlock(1, 0, 'copy');
  net.setLevel(2);
  assert.deepEqual(net.mapping(), [0, 1, 1]);
  assert.deepEqual([...new Set(gradsOf(deep))].sort(), ['stages.0.glow.0', 'stages.0.glow.1', 'stages.1.glow.0', 'stages.1.glow.1']);
  const w = (b: number): tf.Variable => net.root.namedWeights().get(`stages.1.glow.${b}.a.conv.weight`) as tf.Variable;
  assert.equal(maxAbsDiff(w(0), w(1)), 0);
  assert.equal(net.parentBlock(2), 1, 'level 3 splits [1,3) of block 1');
  const shallow = net.parseArch({ 'depths.0': 1, 'depths.1': 2, 'widths.0': 8, 'widths.1': 8 });
  const names = net.variablesForArch(shallow).map((v) => v.name);
  assert.ok(names.every((n) => !/glow\.1/.test(n)) && names.some((n) => /stages\.1\.glow\.0/.test(n)));
  const y1 = tf.tidy(() => net.forward(x, deep, { training: false }));
  const y2 = tf.tidy(() => net.forward(x, deep, { training: false }));
  assert.equal(maxAbsDiff(y1, y2), 0);
  const n = tf.memory().numTensors;
  tf.tidy(() => void net.forward(x, deep, { training: true }));
  tf.tidy(() => void net.forward(x, shallow, { training: false }));
  assert.equal(tf.memory().numTensors, n);
  tf.dispose([x, y1, y2]);
  net.dispose();
});
