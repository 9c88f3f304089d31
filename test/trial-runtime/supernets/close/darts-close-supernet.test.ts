import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend, maxAbsDiff } from '../../nn/tf-cpu';
import { checkArch, randomArch } from '../supernet-checks';
import { createRng } from '../../../../tuners/rng';
import { ConfigError } from '../../../../daemon/errors';
import { builtinSpaces, createSupernet } from '../../../../trial-runtime/supernets/registry';
import { archKey } from '../../../../trial-runtime/supernets/arch-key';
import { generateSearchSpace } from '../../../../trial-runtime/programs/ss-gen';
import { isCloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { DartsCloseSupernet, dartsGateGraph } from '../../../../trial-runtime/supernets/close/darts-close-supernet';
import { DartsSupernet } from '../../../../trial-runtime/supernets/darts/darts-supernet';
import { parseDartsGenotype } from '../../../../trial-runtime/supernets/darts/darts-genotype';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import type { CloseStrategy } from '../../../../trial-runtime/train/close/close-strategy';
import { FlowGate } from '../../../../trial-runtime/supernets/close/flow-gate';
import { DARTS_GATE_SIZES } from '../../../../trial-runtime/supernets/close/close-options';
import { DARTS_MIXED, DARTS_V2, TINY_DARTS_CLOSE, assertCloseForwardsLeakFree } from './close-fixtures';

before(useCpuBackend);

function weightOf(net: DartsCloseSupernet, key: string): tf.Variable {
  const v = net.root.namedWeights().get(key);
  assert.ok(v, `no variable ${key}`);
  return v;
}

function disposeGrads(r: { value: tf.Tensor; grads: tf.NamedTensorMap }): void {
  tf.dispose([r.value, ...Object.values(r.grads)]);
}

test('same space, genotype keys and costs as darts; listed and registered as darts-close; ss_gen works; bad options name their key', () => {
  const opts = { channels: 8, layers: 5, inputSize: 28, inChannels: 1, numClasses: 10 };
  const before = tf.memory().numTensors;
  const close = createSupernet('darts-close', opts);
  assert.equal(tf.memory().numTensors, before, 'creating allocates nothing');
  const plain = new DartsSupernet(opts);
  assert.ok(isCloseSupernet(close));
  assert.equal(close.name, 'darts-close');
  assert.ok(builtinSpaces().some((s) => s.name === 'darts-close' && /CLOSE/.test(s.description)));
  assert.deepEqual(close.searchSpace(), plain.searchSpace());
  const idx = close.parseArch(DARTS_V2);
  assert.deepEqual(idx, plain.parseArch(DARTS_V2));
  assert.equal(archKey(close, idx), archKey(plain, idx));
  assert.deepEqual(close.cost(DARTS_V2), plain.cost(DARTS_V2));
  const rng = createRng(4);
  for (let i = 0; i < 5; i++) {
    const a = randomArch(close, rng);
    assert.deepEqual(close.cost(a), plain.cost(a));
    assert.deepEqual(close.toParameters(a), plain.toParameters(a));
  }
  assert.equal(close.costModel(), undefined);
  assert.deepEqual(generateSearchSpace('darts-close', opts), generateSearchSpace('darts', opts));
  assert.throws(() => createSupernet('darts-close', { channels: 3 }), (e: unknown) => e instanceof ConfigError && e.path === '/channels');
  assert.throws(() => createSupernet('darts-close', { numCurriculums: 0 }), (e: unknown) => e instanceof ConfigError && e.path === '/numCurriculums');
  assert.throws(() => createSupernet('darts-close', { gate: { gcnDims: [] } }), (e: unknown) => e instanceof ConfigError && e.path === '/gate/gcnDims');
  assert.throws(() => close.parseArch(DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)")), (e: unknown) => e instanceof ConfigError && e.path === '/normal_n5_input1');
});

test('GLOW blocks: stride-1 sets in every cell, stride-2 sets only in reduction cells; the NB301 gate; unique variable names', () => {
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-vars' });
  net.build();
  const named = net.root.namedWeights();
  const names = [...named.keys()];
  for (let b = 0; b < 3; b++) {
    for (const cell of [0, 1, 2]) assert.ok(names.includes(`cells.${cell}.glow.${b}.sep_conv_5x5.part1.pw.weight`));
    for (const cell of [1, 2]) assert.ok(names.includes(`cells.${cell}.glow_reduce.${b}.skip_connect.conv_1.weight`));
  }
  assert.ok(!names.some((n) => n.startsWith('cells.0.glow_reduce')), 'a normal cell has no stride-2 blocks');
  assert.ok(!names.some((n) => /\.glow\.\d+\.skip_connect/.test(n)), 'stride-1 skip has no weights');
  assert.ok(!names.some((n) => n.includes('glow.3')), 'exactly numCurriculums blocks');
  assert.deepEqual(named.get('gate.input_node_emb')?.shape, [4, 8], 'two input nodes per cell group (normal, reduce)');
  assert.deepEqual(named.get('gate.other_node_emb')?.shape, [2, 8]);
  assert.deepEqual(named.get('gate.mlp.0.weight')?.shape, [32, 16], 'MLP input = concat of two node embeddings');
  assert.deepEqual(named.get('gate.mlp.out.weight')?.shape, [16, 3]);
  assert.ok(named.has('close.level'));
  const engineNames = [...named.values()].map((v) => v.name);
  assert.equal(new Set(engineNames).size, engineNames.length);
  assert.ok(engineNames.every((n) => n.startsWith('dc-vars/')));
  assert.equal(net.level(), 1);
  net.setLevel(3);
  assert.equal(net.level(), 3);
  assert.throws(() => net.setLevel(4), RangeError);
  net.dispose();
});

test('the gate graph of a cell: 6 nodes, 8 edges into nodes 2..5, one position per edge; cell groups embed differently', () => {
  const g = parseDartsGenotype(DARTS_MIXED);
  const graph = dartsGateGraph(g.normal);
  assert.deepEqual(graph.edges.map((e) => e.to), [2, 2, 3, 3, 4, 4, 5, 5]);
  assert.deepEqual(graph.positions[3], [1, 3]);
  assert.equal(graph.edges[3]?.op, 0, "the 'none' edge keeps its op (masked in the GCN)");
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-graph' });
  net.build();
  net.setLevel(3);
  const blocks = net.gateBlocks(DARTS_MIXED);
  assert.equal(blocks.normal.length, 8);
  assert.ok([...blocks.normal, ...blocks.reduce].every((b) => Number.isInteger(b) && b >= 0 && b < 3));
  net.setLevel(1);
  assert.deepEqual(net.gateBlocks(DARTS_MIXED), { normal: new Array(8).fill(0), reduce: new Array(8).fill(0) });
  net.dispose();

  const rng = createRng(3);
  const gate = new FlowGate('g', { numOps: 8, numNodes: 6, numInputs: 2, numCurriculums: 5, noneOp: 0, sizes: DARTS_GATE_SIZES, cellGroups: 2, learnedOtherNodes: true, messageScale: 0.5 }, () => rng.int(1000));
  gate.build('dc-flow');
  const [l0, l1] = [0, 1].map((group) => tf.tidy(() => gate.logits(graph, undefined, group)));
  assert.deepEqual(l0?.shape, [8, 5]);
  assert.ok(maxAbsDiff(l0 as tf.Tensor, l1 as tf.Tensor) > 0, 'the normal and the reduce graph have their own input embeddings');
  assert.throws(() => tf.tidy(() => gate.logits(graph, undefined, 2)), RangeError);
  tf.dispose([l0 as tf.Tensor, l1 as tf.Tensor]);
  gate.dispose();
});

test('level 1: any genotype forwards in train and eval mode; gradients reach exactly the path; no leaks', () => {
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-level1' });
  checkArch(net, net.parseArch(DARTS_V2), 2);
  checkArch(net, net.parseArch(DARTS_MIXED), 2);
  checkArch(net, new Array<number>(32).fill(0), 2);
  const rng = createRng(11);
  for (let i = 0; i < 2; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});

test('armed training step at level 2: gradients reach the gate and exactly the active blocks of the path; inputs of a reduction cell use the stride-2 set', () => {
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-grad' });
  net.build();
  net.setLevel(2);
  const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  const arch = net.parseArch(DARTS_MIXED);
  net.armGate(createRng(1));
  const r = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.square(net.forward(x, arch, { training: true })))) as tf.Scalar, net.root.trainableVariables());
  assert.ok(Number.isFinite(r.value.dataSync()[0] as number));
  const want = new Set([...net.variablesForArch(arch), ...net.gateVariables()].map((v) => v.name));
  assert.deepEqual(Object.keys(r.grads).sort(), [...want].sort(), 'only the active blocks of the path and the gate get gradients');
  const gateGrad = r.grads[weightOf(net, 'gate.mlp.out.weight').name] as tf.Tensor;
  assert.ok(Array.from(gateGrad.dataSync()).some((v) => v !== 0), 'the straight-through gradient reaches the gate');
  const has = (key: string): boolean => r.grads[weightOf(net, key).name] !== undefined;
  for (let b = 0; b < 2; b++) {
    assert.ok(has(`cells.1.glow_reduce.${b}.sep_conv_3x3.part0.dw.weight`), 'reduce edge 0 (sep 3x3 from input 0): stride-2 set');
    assert.ok(has(`cells.1.glow_reduce.${b}.skip_connect.conv_1.weight`), 'reduce edge 1 (skip from input 1): stride-2 factorized reduce');
    assert.ok(has(`cells.1.glow.${b}.sep_conv_3x3.part0.dw.weight`), 'reduce edge 2 (sep 3x3 from node 2): stride-1 set');
    assert.ok(has(`cells.0.glow.${b}.dil_conv_5x5.dw.weight`));
  }
  assert.ok(!has('cells.1.glow_reduce.2.sep_conv_3x3.part0.dw.weight') && !has('cells.0.glow.2.sep_conv_3x3.part0.dw.weight'), 'block 2 is not active');
  assert.ok(has('cells.0.glow.0.dil_conv_3x3.dw.weight') && has('cells.0.glow.0.sep_conv_5x5.part0.dw.weight'), 'normal edges from inner nodes');
  assert.ok(has('cells.1.glow_reduce.0.sep_conv_5x5.part0.dw.weight'), 'reduce edge 5 (sep 5x5 from input 1): stride-2 set');
  assert.ok(!has('cells.1.glow.0.sep_conv_5x5.part0.dw.weight'), 'no reduce edge runs sep 5x5 at stride 1');
  disposeGrads(r);
  x.dispose();
  net.dispose();
});

test('evaluation uses the argmax block of the raw gate logits, deterministically', () => {
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-eval' });
  net.build();
  net.setLevel(3);
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
  const arch = net.parseArch(DARTS_MIXED);
  const y1 = tf.tidy(() => net.forward(x, arch, { training: false }));
  const y2 = tf.tidy(() => net.forward(x, arch, { training: false }));
  assert.equal(maxAbsDiff(y1, y2), 0, 'same arch, same output twice');
  assert.deepEqual(net.gateBlocks(arch), net.gateBlocks(DARTS_MIXED));
  // Force block 1 everywhere through the gate's last bias: eval equals a level-1 net whose block 0 holds block 1's weights.
  tf.tidy(() => weightOf(net, 'gate.mlp.out.bias').assign(tf.tensor1d([-1e4, 1e4, -1e4])));
  assert.deepEqual(net.gateBlocks(arch), { normal: new Array(8).fill(1), reduce: new Array(8).fill(1) });
  const forced = tf.tidy(() => net.forward(x, arch, { training: false }));
  // Perturbing blocks 0 and 2 does not change it.
  for (const [k, v] of net.root.namedWeights()) if (/\.glow(_reduce)?\.[02]\./.test(k) && v.trainable) tf.tidy(() => v.assign(tf.mul(v, 3)));
  const still = tf.tidy(() => net.forward(x, arch, { training: false }));
  assert.equal(maxAbsDiff(forced, still), 0);
  net.inheritBlock(0, 1, 'copy');
  net.setLevel(1);
  const level1 = tf.tidy(() => net.forward(x, arch, { training: false }));
  assert.equal(maxAbsDiff(forced, level1), 0, 'block 1 at level 3 computes what block 0 := block 1 computes at level 1');
  tf.dispose([x, y1, y2, forced, still, level1]);
  net.dispose();
});

test("adding a level through the 'close' strategy: WIT add (§3.4) in both block sets, BN buffers included; gate row inherited", () => {
  for (const witMode of ['add', 'copy'] as const) {
    const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: `dc-wit-${witMode}` });
    const s = createStrategy('close', { net, options: { clSchedule: [1, 2], witMode }, epochs: 2, seed: 0, checkpointDir: '.', log: () => undefined }) as CloseStrategy;
    net.build();
    s.beginEpoch(0);
    assert.equal(net.level(), 1);
    const keys = ['cells.2.glow.{b}.dil_conv_3x3.pw.weight', 'cells.2.glow_reduce.{b}.skip_connect.conv_2.weight', 'cells.1.glow_reduce.{b}.sep_conv_5x5.part1.bn.running_mean', 'cells.0.glow.{b}.sep_conv_3x3.part0.bn.running_var'];
    const at = (k: string, b: number): tf.Variable => weightOf(net, k.replace('{b}', String(b)));
    tf.tidy(() => at(keys[2] as string, 0).assign(tf.fill(at(keys[2] as string, 0).shape, 0.25)));
    tf.tidy(() => at(keys[2] as string, 1).assign(tf.fill(at(keys[2] as string, 1).shape, 0.5)));
    const parent = keys.map((k) => at(k, 0).dataSync().slice());
    const child = keys.map((k) => at(k, 1).dataSync().slice());
    const bias = weightOf(net, 'gate.mlp.out.bias');
    tf.tidy(() => bias.assign(tf.tensor1d([0.5, 0.25, 0])));
    s.beginEpoch(1);
    assert.equal(net.level(), 2);
    keys.forEach((k, i) => {
      const want = witMode === 'add' ? Array.from(child[i] as Float32Array, (v, j) => Math.fround(v + ((parent[i] as Float32Array)[j] as number))) : Array.from(parent[i] as Float32Array);
      assert.deepEqual(Array.from(at(k, 1).dataSync()), want, `${k} (${witMode})`);
      assert.deepEqual(Array.from(at(k, 0).dataSync()), Array.from(parent[i] as Float32Array), 'the parent is untouched');
    });
    if (witMode === 'add') assert.deepEqual(Array.from(at(keys[3] as string, 1).dataSync()), new Array(4).fill(2), 'running_var: init 1 + parent 1 (aw_nas quirk)');
    assert.deepEqual(Array.from(bias.dataSync()), [0.5, 0.75, 0], 'gate output 1 inherits output 0 (add)');
    net.dispose();
  }
});

test('no tensor leaks across armed training, unarmed training and eval forwards at level 3', () => {
  const net = new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope: 'dc-leak' });
  net.build();
  net.setLevel(3);
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
  const rng = createRng(0);
  const archs = [net.parseArch(DARTS_MIXED), randomArch(net, rng), randomArch(net, rng)];
  assertCloseForwardsLeakFree(net, x, archs, (y) => assert.ok(Array.from(y.dataSync()).every(Number.isFinite)));
  x.dispose();
  net.dispose();
});
