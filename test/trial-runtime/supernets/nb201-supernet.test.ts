import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useCpuBackend } from '../nn/tf-cpu';
import { Nb201Supernet } from '../../../trial-runtime/supernets/nb201/nb201-supernet';
import { formatNb201ArchString, liveEdges, parseNb201ArchString } from '../../../trial-runtime/supernets/nb201/nb201-arch';
import { ConfigError } from '../../../daemon/errors';
import { createRng } from '../../../tuners/rng';
import { checkArch, costFromModel, randomArch } from './supernet-checks';

before(useCpuBackend);

/** The shared NB201 table: $NASCTL_SHARED_DIR or ../shared beside the repository. */
const CSV = path.join(process.env.NASCTL_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared'), 'data/nasbench201/nb201_200ep.csv');
const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

test('arch strings parse to edge-ordered op indices and format back', () => {
  assert.deepEqual(parseNb201ArchString(EXAMPLE), [3, 3, 4, 1, 3, 1]);
  assert.equal(formatNb201ArchString([3, 3, 4, 1, 3, 1]), EXAMPLE);
  assert.throws(() => parseNb201ArchString('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|'), (e: unknown) => e instanceof ConfigError && e.path === '/edge_1_0' && /unknown op 'conv'/.test(e.message));
  assert.throws(() => parseNb201ArchString('|none~0|+|none~0|none~2|+|none~0|none~1|none~2|'), /edge_2_1.*'op~1'/);
  assert.throws(() => parseNb201ArchString('|none~0|+|none~0|none~1|'), /needs 3 nodes/);
});

test('live edges: dead ends and disconnected cells', () => {
  assert.deepEqual(liveEdges(parseNb201ArchString('|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|')), { live: [false, false, false, true, false, false], connected: true });
  assert.equal(liveEdges([0, 0, 0, 0, 0, 0]).connected, false);
  assert.deepEqual(liveEdges([2, 0, 3, 0, 0, 1]), { live: [true, false, true, false, false, true], connected: true });
});

test('params and FLOPs match the analytic columns of nb201_200ep.csv on 50 rows', () => {
  const lines = fs.readFileSync(CSV, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const col = (name: string): number => header.indexOf(name);
  const net = new Nb201Supernet();
  let checked = 0;
  for (let i = 1; i < lines.length; i += 311) {
    const row = (lines[i] as string).split(',');
    const arch = row[col('arch_str')] as string;
    const { flops, params } = net.cost(arch);
    assert.ok(Math.abs(params / 1e6 - Number(row[col('params_mb_analytic_c10')])) < 1e-6, `params of ${arch}`);
    assert.ok(Math.abs(flops / 1e6 - Number(row[col('flops_m_analytic_c10')])) < 1e-6, `flops of ${arch}`);
    assert.equal(net.archString(arch), arch);
    assert.equal(net.archString(net.toParameters(arch)), arch);
    checked++;
  }
  assert.equal(checked, 51);
});

test('cost model agrees with cost() on 50 random architectures; space has 5^6 archs', () => {
  const net = new Nb201Supernet();
  const space = net.searchSpace();
  assert.deepEqual(Object.keys(space), ['edge_1_0', 'edge_2_0', 'edge_2_1', 'edge_3_0', 'edge_3_1', 'edge_3_2']);
  assert.equal(Object.values(space).reduce((p, s) => p * (s._value as unknown[]).length, 1), 15625);
  const rng = createRng(11);
  for (let i = 0; i < 50; i++) {
    const arch = randomArch(net, rng);
    assert.equal(net.flops(arch), costFromModel(net, arch).flops);
  }
});

test('forward, path-only gradients and no leaks (tiny C=4, N=1), including dead-end and disconnected cells', () => {
  const net = new Nb201Supernet({ channels: 4, cellsPerStage: 1, inputSize: 8, scope: 'test-nb201' });
  checkArch(net, parseNb201ArchString(EXAMPLE), 2);
  checkArch(net, parseNb201ArchString('|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|'), 2);
  checkArch(net, [0, 0, 0, 0, 0, 0], 2);
  const rng = createRng(4);
  for (let i = 0; i < 2; i++) checkArch(net, randomArch(net, rng), 2);
  net.dispose();
});

test('dropout with a seed is reproducible; another seed gives another mask', async () => {
  const tf = await import('@tensorflow/tfjs-core');
  const net = new Nb201Supernet({ channels: 4, cellsPerStage: 1, inputSize: 8, dropout: 0.5, scope: 'test-nb201-dropout' });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 7) as import('@tensorflow/tfjs-core').Tensor4D;
  const arch = parseNb201ArchString(EXAMPLE);
  const logits = (seed: number): number[] => tf.tidy(() => Array.from(net.forward(x, arch, { training: true, seed }).dataSync()));
  const a = logits(7);
  assert.deepEqual(logits(7), a);
  assert.notDeepEqual(logits(8), a);
  net.dispose();
  x.dispose();
});
