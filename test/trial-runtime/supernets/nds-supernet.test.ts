import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCpuBackend } from '../nn/tf-cpu';
import { NdsSupernet } from '../../../trial-runtime/supernets/nds/nds-supernet';
import { ConfigError } from '../../../daemon/errors';
import { createRng } from '../../../tuners/rng';
import { checkArch, randomArch } from './supernet-checks';

before(useCpuBackend);

const size = (net: NdsSupernet): number => Object.values(net.searchSpace()).reduce((p, s) => p * (s._value as unknown[]).length, 1);

test('space sizes and keys match aw_nas', () => {
  const resnet = new NdsSupernet('resnet');
  const resnexta = new NdsSupernet('resnexta');
  assert.equal(size(resnet), 1259712);
  assert.equal(size(resnexta), 11390625);
  assert.deepEqual(Object.keys(resnexta.searchSpace()), ['depths.0', 'depths.1', 'depths.2', 'widths.0', 'widths.1', 'widths.2', 'bot_muls.0', 'bot_muls.1', 'bot_muls.2', 'num_groups.0', 'num_groups.1', 'num_groups.2']);
  assert.equal(resnet.costModel(), undefined);
});

test('ResNet FLOPs/params equal a hand count (pycls rules) for depths 1,1,1 widths 16,32,64', () => {
  const net = new NdsSupernet('resnet');
  const arch = { 'depths.0': 1, 'depths.1': 1, 'depths.2': 1, 'widths.0': 16, 'widths.1': 32, 'widths.2': 64 };
  // stem 9*3*16*32^2; stage0 (no proj) 2 * 9*16*16*32^2; stage1 proj 16*32*16^2 + 9*16*32*16^2 + 9*32*32*16^2;
  // stage2 proj 32*64*8^2 + 9*32*64*8^2 + 9*64*64*8^2; head 64*10 + 10.
  const flops = 442368 + 2 * 2359296 + (131072 + 1179648 + 2359296) + (131072 + 1179648 + 2359296) + 650;
  // stem 432 + BN 32; stage0 2*(2304 + 32); stage1 512+64 + 4608+64 + 9216+64; stage2 2048+128 + 18432+128 + 36864+128; head 650.
  const params = 464 + 4672 + (576 + 13952) + (2176 + 55552) + 650;
  assert.deepEqual(net.cost(arch), { flops, params });
  assert.equal(flops, 12501642);
  assert.equal(params, 78042);
});

test('ResNeXt-A FLOPs/params equal a hand count for depths 2,1,1, widths 16,32,64, bot 0.5,0.25,1, groups 2,4,1', () => {
  const net = new NdsSupernet('resnexta');
  const genotype =
    "OrderedDict([('depths.0', 2), ('depths.1', 1), ('depths.2', 1), ('widths.0', 16), ('widths.1', 32), ('widths.2', 64), " +
    "('bot_muls.0', 0.5), ('bot_muls.1', 0.25), ('bot_muls.2', 1), ('num_groups.0', 2), ('num_groups.1', 4), ('num_groups.2', 1)])";
  // stage0 x2 (w_b 8, g 2): 16*8*32^2 + 9*8*8/2*32^2 + 8*16*32^2; params 128+16 + 288+16 + 128+32.
  // stage1 (w_b 8, g 4, s2; first 1x1 at input res): proj 16*32*16^2, 16*8*32^2, 9*8*8/4*16^2, 8*32*16^2.
  // stage2 (w_b 64, g 1): proj 32*64*8^2, 32*64*16^2, 9*64*64*8^2, 64*64*8^2.
  const flops = 442368 + 2 * (131072 + 294912 + 131072) + (131072 + 131072 + 36864 + 65536) + (131072 + 524288 + 2359296 + 262144) + 650;
  const params = 464 + 2 * 608 + (576 + 624) + (2176 + 43392) + 650;
  assert.deepEqual(net.cost(genotype), { flops, params });
  assert.equal(flops, 5198474);
  assert.equal(params, 49098);
  assert.equal(net.genotype(genotype), genotype);
});

test('architectures outside the space name the key', () => {
  const net = new NdsSupernet('resnet');
  const ok = net.toParameters([0, 0, 0, 0, 0, 0]);
  assert.throws(() => net.parseArch({ ...ok, 'widths.1': 17 }), (e: unknown) => e instanceof ConfigError && e.path === '/widths.1' && /17 is not a candidate/.test(e.message));
  assert.throws(() => net.parseArch({ ...ok, 'bot_muls.0': 1 }), /'bot_muls.0' is not in the search space/);
  assert.throws(() => new NdsSupernet('resnexta', { widths: [6], botMuls: [0.5], numGroups: [2] }), /2 groups do not divide the bottleneck width 3/);
});

test('ResNet: forward, path-only gradients and no leaks for random archs (tiny widths)', () => {
  const net = new NdsSupernet('resnet', { depths: [1, 2], widths: [4, 8], stemWidth: 4, inputSize: 8, scope: 'test-nds-resnet' });
  const rng = createRng(9);
  checkArch(net, [0, 0, 0, 0, 0, 0], 2);
  for (let i = 0; i < 3; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});

test('ResNeXt-A: forward, path-only gradients and no leaks for random archs (tiny widths, groups)', () => {
  const net = new NdsSupernet('resnexta', { depths: [1, 2], widths: [8, 16], botMuls: [0.5, 1], numGroups: [1, 2], stemWidth: 8, inputSize: 8, scope: 'test-nds-resnexta' });
  const rng = createRng(10);
  for (let i = 0; i < 3; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});
