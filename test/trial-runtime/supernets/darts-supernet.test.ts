import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCpuBackend } from '../nn/tf-cpu';
import { DartsSupernet } from '../../../trial-runtime/supernets/darts/darts-supernet';
import { formatDartsGenotype, parseDartsGenotype } from '../../../trial-runtime/supernets/darts/darts-genotype';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { ConfigError } from '../../../daemon/errors';
import { createRng } from '../../../tuners/rng';
import { checkArch, randomArch } from './supernet-checks';

before(useCpuBackend);

/** DARTS_V2 from the DARTS repository's genotypes.py. */
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

test('genotype strings parse and format in DARTS format; bad ones name the key', () => {
  const g = parseDartsGenotype(DARTS_V2);
  assert.deepEqual(g.normal[7], { op: 6, input: 2 });
  const s = formatDartsGenotype(g);
  assert.match(s, /^Genotype\(normal=\[\('sep_conv_3x3', 0\), .*normal_concat=range\(2, 6\), reduce=\[\('max_pool_3x3', 0\).*reduce_concat=range\(2, 6\)\)$/);
  assert.deepEqual(parseDartsGenotype(s), g);
  const net = new DartsSupernet();
  assert.equal(net.genotype(net.toParameters(DARTS_V2)), s);
  assert.throws(() => parseDartsGenotype(DARTS_V2.replace("('dil_conv_3x3', 2)", "('conv_7x7', 2)")), (e: unknown) => e instanceof ConfigError && e.path === '/normal_n5_op1' && /unknown op 'conv_7x7'/.test(e.message));
  assert.throws(() => parseDartsGenotype(DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)")), (e: unknown) => e instanceof ConfigError && e.path === '/normal_n5_input1');
  assert.throws(() => parseDartsGenotype(DARTS_V2.replace("('dil_conv_3x3', 2)]", ']')), /needs 8 \(op, input\) pairs/);
  assert.throws(() => parseDartsGenotype(DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3]')), /normal_concat=range\(2, 6\)/);
});

test('search space: 32 keys, 8 ops, inputs 0..node+1; 1e18-scale size as NB301', () => {
  const space = new DartsSupernet().searchSpace();
  const keys = Object.keys(space);
  assert.equal(keys.length, 32);
  assert.deepEqual(keys.slice(0, 4), ['normal_n2_op0', 'normal_n2_input0', 'normal_n2_op1', 'normal_n2_input1']);
  assert.deepEqual(space.reduce_n5_input1?._value, [0, 1, 2, 3, 4]);
  assert.equal((space.normal_n3_op0?._value as unknown[]).length, 8);
  assert.equal(createSupernet('darts').name, 'darts');
});

test('params of DARTS_V2 at the paper evaluation size (C=36, 20 cells) match DARTS train.py (3.349342 MB)', () => {
  const net = new DartsSupernet({ channels: 36, layers: 20 });
  assert.equal(net.cost(DARTS_V2).params, 3349342);
});

test('tiny net: params of the path equal cost(); forward, path-only gradients, no leaks', () => {
  const net = new DartsSupernet({ channels: 4, layers: 3, inputSize: 8, scope: 'test-darts' });
  const onPath = net.variablesForArch(DARTS_V2).reduce((a, v) => a + v.size, 0);
  assert.equal(onPath, net.cost(DARTS_V2).params);
  assert.ok(net.cost(DARTS_V2).flops > 0);
  checkArch(net, net.parseArch(DARTS_V2), 2);
  const allNone = new Array<number>(32).fill(0);
  checkArch(net, allNone, 2);
  const rng = createRng(8);
  for (let i = 0; i < 3; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});
