import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCpuBackend } from '../../nn/tf-cpu';
import { CreamSupernet } from '../../../../trial-runtime/supernets/cream/cream-supernet';
import { CREAM_CPU_PRESET, creamLayerTable, resolveCreamOptions, searchForLayers } from '../../../../trial-runtime/supernets/cream/cream-layout';
import { makeDivisible } from '../../../../trial-runtime/supernets/cream/cream-blocks';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { generateSearchSpace } from '../../../../trial-runtime/programs/ss-gen';
import { ConfigError } from '../../../../daemon/errors';
import { createRng } from '../../../../tuners/rng';
import { checkArch, costFromModel, randomArch } from '../supernet-checks';

before(useCpuBackend);

/** Cream's `lib/utils/op_by_layer_dict.py` (MFLOPs): [stage][op] = (first layer, later layer). */
const CREAM_FLOPS_OP_DICT = [
  [[21.828704, 18.820752], [32.669328, 28.16048], [25.039968, 23.637648], [37.486224, 35.385824], [29.856864, 30.862992], [44.711568, 46.22384]],
  [[11.808656, 11.86712], [17.68624, 17.780848], [13.01288, 13.87416], [19.492576, 20.791408], [14.819216, 16.88472], [22.20208, 25.307248]],
  [[8.198, 10.99632], [12.292848, 16.5172], [8.69976, 11.99984], [13.045488, 18.02248], [9.4524, 13.50512], [14.174448, 20.2804]],
  [[12.006112, 15.61632], [18.028752, 23.46096], [13.009632, 16.820544], [19.534032, 25.267296], [14.514912, 18.62688], [21.791952, 27.9768]],
  [[11.307456, 15.292416], [17.007072, 23.1504], [11.608512, 15.894528], [17.458656, 24.053568], [12.060096, 16.797696], [18.136032, 25.40832]],
];

test('make_divisible follows timm (SE widths of Cream)', () => {
  assert.deepEqual([64, 96, 144, 240, 480, 1152].map((m) => makeDivisible(0.25 * m, 8)), [16, 24, 40, 64, 120, 288]);
  assert.equal(makeDivisible(4, 8), 8);
  assert.equal(makeDivisible(10, 8), 16);
});

test('FlopsEst per-layer table at 224 px reproduces all 60 entries of Cream\'s flops_op_dict', () => {
  const table = creamLayerTable(resolveCreamOptions({}), 224);
  const rounded = table.map((s) => s.map((op) => op.map((v) => Math.round(v * 1e6) / 1e6)));
  assert.deepEqual(rounded, CREAM_FLOPS_OP_DICT);
  // Base min / max of search_for_layer: the five first layers with op 0 / op 5.
  const sum = (op: number): number => Math.round(table.reduce((a, s) => a + (s[op]?.[0] as number), 0) * 100) / 100;
  assert.equal(sum(0), 65.15);
  assert.equal(sum(5), 121.02);
});

test('layer counts and resolution from the FLOPs window match ALGORITHMS.md §2.1', () => {
  const table = creamLayerTable(resolveCreamOptions({}), 224);
  const cases: Array<[number, number[], number]> = [[600, [4, 4, 4, 4, 4], 224], [300, [1, 2, 3, 3, 3], 224], [200, [1, 1, 3, 2, 1], 224], [100, [1, 1, 1, 1, 1], 224], [50, [1, 1, 1, 1, 1], 160], [20, [1, 1, 1, 1, 1], 96]];
  for (const [max, staNum, inputSize] of cases) assert.deepEqual(searchForLayers(table, 0, max), { staNum, inputSize }, `window [0, ${max}]`);
  const net = createSupernet('cream');
  assert.equal(Object.keys(net.searchSpace()).length, 20);
  assert.deepEqual(net.inputShape, [224, 224, 3]);
  assert.deepEqual(createSupernet('cream', { flopsMaximum: 50 }).inputShape, [160, 160, 3]);
  assert.throws(() => searchForLayers(table, 0, 1), (e: unknown) => e instanceof ConfigError && e.path === '/flopsMaximum');
});

test('whole-network FlopsEst: fixed part 14.908896 M; sta_num all 1 spans 80.06 .. 135.92 M', () => {
  const net = new CreamSupernet({ staNum: [1, 1, 1, 1, 1], inputSize: 224 });
  const cm = net.costModel();
  // stem conv 5.419008 + stage 0 6.021408 + stage 6 3.04192 + pool 0.01568 + head conv 0.41088.
  assert.equal(cm.base.flops, 14_908_896);
  assert.equal(net.flops([0, 0, 0, 0, 0]), 14_908_896 + 65_148_928);
  assert.equal(Math.round(net.flops([5, 5, 5, 5, 5]) / 1e4) / 100, 135.92);
  // A 160 px supernet (window [0, 50]) still counts FLOPs at 224 px, as FlopsEst does.
  const small = createSupernet('cream', { flopsMaximum: 50 });
  assert.equal(small.cost([0, 0, 0, 0, 0]).flops, net.flops([0, 0, 0, 0, 0]));
});

test('cost model agrees with cost() on 40 random architectures (cream and cream-cpu)', () => {
  for (const net of [createSupernet('cream'), createSupernet('cream-cpu')]) {
    assert.ok(net.costModel());
    const rng = createRng(9);
    for (let i = 0; i < 40; i++) {
      const arch = randomArch(net, rng);
      assert.deepEqual(net.cost(arch), costFromModel(net, arch));
    }
  }
});

test('keys, candidate names, Cream path encoding and errors', () => {
  const net = new CreamSupernet({ staNum: [1, 2, 3, 4, 3], inputSize: 224 });
  const space = net.searchSpace();
  assert.deepEqual(Object.keys(space).slice(0, 4), ['stage1_layer1', 'stage2_layer1', 'stage2_layer2', 'stage3_layer1']);
  assert.deepEqual(space.stage5_layer3, { _type: 'layer_choice', _value: ['k3_e4', 'k3_e6', 'k5_e4', 'k5_e6', 'k7_e4', 'k7_e6'] });
  const path = [[0], [3], [3, 3], [3, 1, 3], [3, 3, 3, 3], [3, 3, 3], [0]];
  const arch = net.parseArch(JSON.stringify(path));
  assert.deepEqual(arch, [3, 3, 3, 3, 1, 3, 3, 3, 3, 3, 3, 3, 3]);
  assert.deepEqual(net.creamPath(arch), path);
  assert.deepEqual(net.parseArch(net.toParameters(arch)), arch);
  assert.equal((net.toParameters(arch).stage1_layer1 as { _value: string })._value, 'k5_e6');
  assert.throws(() => net.parseArch('[[0],[3],[3],[3],[3],[3],[0]]'), (e: unknown) => e instanceof ConfigError && e.path === '/2');
  assert.throws(() => net.parseArch([...arch.slice(0, 12), 6]), (e: unknown) => e instanceof ConfigError && e.path === '/stage5_layer3');
  assert.throws(() => createSupernet('cream', { staNum: [1, 1, 5, 1, 1] }), (e: unknown) => e instanceof ConfigError && e.path === '/staNum/2');
});

test('cream-cpu preset, ss_gen output with _cost, path-only gradients and no leaks', () => {
  const r = resolveCreamOptions(CREAM_CPU_PRESET);
  assert.deepEqual([r.inputSize, r.inChannels, r.numClasses, r.staNum.join()], [28, 1, 10, '2,2,2,2,2']);
  const gen = generateSearchSpace('cream-cpu');
  assert.equal(Object.keys(gen).filter((k) => !k.startsWith('_')).length, 10);
  assert.ok(gen._cost && gen._cost.base.flops > 0);
  // 16 px instead of 28 keeps the plain-JS backend quick; the structure is the preset's.
  const net = createSupernet('cream-cpu', { seed: 1, scope: 'test-cream-cpu', inputSize: 16 });
  assert.equal(net.name, 'cream-cpu');
  checkArch(net, randomArch(net, createRng(4)), 2);
  // The stem conv weight is the first path variable (the meta update's θ[0]).
  assert.match((net.variablesForArch(Array(10).fill(0))[0] as { name: string }).name, /conv_stem\.weight$/);
  net.dispose();
});
