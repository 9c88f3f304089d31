import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../nn/tf-cpu';
import { Nb201Supernet } from '../../../trial-runtime/supernets/nb201/nb201-supernet';
import { zeroShotScores } from '../../../trial-runtime/zeroshot/zero-shot-scores';
import { ZERO_SHOT_PROXIES, parseZeroShotSpec } from '../../../trial-runtime/zeroshot/proxy-names';
import { reluCount, reluLogdet } from '../../../trial-runtime/zeroshot/relu-logdet';
import { synflow } from '../../../trial-runtime/zeroshot/synflow';
import { ConfigError } from '../../../daemon/errors';
import { scoredWeightNames, withLayerHooks } from '../../../trial-runtime/zeroshot/layer-hooks';
import { DartsSupernet } from '../../../trial-runtime/supernets/darts/darts-supernet';
import { scoredWeightsForArch } from '../../../trial-runtime/zeroshot/zero-shot-batch';

before(useCpuBackend);

const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';
const CONV1 = '|nor_conv_1x1~0|+|none~0|none~1|+|none~0|nor_conv_1x1~1|nor_conv_3x3~2|';

/** Tiny NB201 (C=4, N=1, 8x8) without dropout, weights from `seed`. */
const tiny = (seed: number): Nb201Supernet => new Nb201Supernet({ channels: 4, cellsPerStage: 1, inputSize: 8, dropout: 0, seed, scope: `zs-${seed}-${Math.random().toString(36).slice(2)}` });

function batchOf(n: number, seed: number): { x: tf.Tensor4D; labels: tf.Tensor1D } {
  return { x: tf.randomNormal([n, 8, 8, 3], 0, 1, 'float32', seed) as tf.Tensor4D, labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32') };
}

test('an architecture that cuts the input off (all-none NB201 cell) scores every proxy without throwing', () => {
  const batch = batchOf(4, 3);
  const before = tf.memory().numTensors;
  const [r] = zeroShotScores(tiny, [ALL_NONE], [...ZERO_SHOT_PROXIES], { batch, seeds: [20] });
  assert.equal(tf.memory().numTensors, before, 'no leaks on the degenerate path');
  assert.ok(Number.isNaN(r?.scores.jacob_cov as number), 'jacob_cov of a constant Jacobian is undefined (NaN, dropped and counted by rank-eval)');
  assert.ok(Number.isFinite(r?.scores.fisher as number), `fisher is ${String(r?.scores.fisher)}`);
});

test('evaluator spec parsing', () => {
  assert.deepEqual(parseZeroShotSpec('zeroshot:synflow, jacob_cov,synflow'), ['synflow', 'jacob_cov']);
  assert.throws(() => parseZeroShotSpec('zeroshot:synflo'), (e: unknown) => e instanceof ConfigError && /unknown zero-shot proxy 'synflo'; valid: grad_norm/.test(e.message));
  assert.throws(() => parseZeroShotSpec('zeroshot:'), /names no proxy/);
});

test('every proxy on tiny NB201: finite where defined, seeds averaged, weights restored, no leaks', () => {
  const batch = batchOf(8, 1);
  const archs = [EXAMPLE, CONV1, ALL_SKIP];
  const proxies = [...ZERO_SHOT_PROXIES];
  const before = tf.memory().numTensors;
  const res = zeroShotScores(tiny, archs, proxies, { batch, seeds: [20, 2020] });
  assert.equal(tf.memory().numTensors, before, 'zero-shot scoring must not leak tensors');
  assert.equal(res.length, 3);
  for (const r of res.slice(0, 2)) {
    for (const p of proxies) {
      const v = r.scores[p] as number;
      assert.ok(Number.isFinite(v), `${p} of ${String(r.arch)} is ${v}`);
      if (p !== 'params' && p !== 'flops') {
        const runs = r.perSeed[p] as number[];
        assert.equal(runs.length, 2);
        assert.ok(Math.abs(v - (runs[0] as number) / 2 - (runs[1] as number) / 2) <= 1e-9 * Math.max(1, Math.abs(v)));
      }
    }
    assert.ok((r.scores.snip as number) > 0 && (r.scores.grad_norm as number) > 0 && (r.scores.synflow as number) > 0 && (r.scores.fisher as number) >= 0);
  }
  const cost = tiny(0).cost(EXAMPLE);
  assert.deepEqual([res[0]?.scores.params, res[0]?.scores.flops], [cost.params, cost.flops]);
  // EXAMPLE: 3 conv edges per cell x 3 cells + 2 res blocks x 2 ReLUConvBN + head ReLU.
  assert.equal(res[0]?.scores.relu, 3 * 3 + 4 + 1);
  assert.equal(res[2]?.scores.relu, 4 + 1);
  assert.equal(res[0]?.scores.naswot, res[0]?.scores.relu_logdet);
  // Different seeds give different weights, hence different saliencies.
  assert.notEqual(res[0]?.perSeed.snip?.[0], res[0]?.perSeed.snip?.[1]);

  const net = tiny(5);
  net.build();
  const snapshot = [...net.root.namedWeights()].map(([k, v]) => [k, Array.from(v.dataSync())] as const);
  zeroShotScores(net, [EXAMPLE], ['grasp', 'synflow', 'fisher', 'snip'], { batch });
  for (const [k, values] of snapshot) {
    const now = Array.from(net.root.namedWeights().get(k)?.dataSync() ?? []);
    if (!k.includes('running')) assert.deepEqual(now, values, `${k} must be restored after the proxies`);
  }
  net.dispose();
  tf.dispose([batch.x, batch.labels]);
});

/** Synflow without any rescaling (fits float32 at tiny size): the definition, written out. */
function naiveSynflow(net: Nb201Supernet, arch: string): number {
  const all = net.root.allVariables();
  const saved = all.map((v) => v.clone());
  for (const v of all) v.assign(tf.abs(v));
  const weights = scoredWeightsForArch(net, arch);
  const x = tf.ones([1, 8, 8, 3]) as tf.Tensor4D;
  const score = withLayerHooks(net.root, { removeBatchNorm: true }, () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(net.forward(x, arch, { training: false })) as tf.Scalar, weights);
    const s = weights.reduce((acc, w) => acc + tf.tidy(() => tf.sum(tf.abs(tf.mul(w, grads[w.name] as tf.Tensor))).dataSync()[0] as number), 0);
    tf.dispose([value, ...Object.values(grads)]);
    return s;
  });
  all.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
  tf.dispose([...saved, x]);
  return score;
}

test('synflow: the all-none cell scores 0; cut rescaling is exact; deep BN-free nets stay finite', () => {
  const net = tiny(3);
  assert.equal(synflow(net, ALL_NONE), 0);
  for (const arch of [EXAMPLE, CONV1, ALL_SKIP]) {
    const want = naiveSynflow(net, arch);
    const got = synflow(net, arch);
    assert.ok(Math.abs(got - want) <= 1e-4 * want, `synflow ${arch}: rescaled ${got} vs plain ${want}`);
  }
  net.dispose();
  // Full-width, full-depth NB201 (C=16, N=5; 8x8 input to keep the test fast) overflows float32
  // unscaled (~1e13 per cell); the rescaled score is finite.
  const big = new Nb201Supernet({ dropout: 0, seed: 20, inputSize: 8, scope: 'zs-big' });
  const deep = synflow(big, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|');
  assert.ok(Number.isFinite(deep) && deep > 1e38, `deep synflow = ${deep}`);
  big.dispose();
});

test('relu_logdet: log|det K| is -Infinity for duplicated samples and finite for distinct ones', () => {
  const net = tiny(7);
  const one = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const dup = { x: tf.concat([one, one, one]) as tf.Tensor4D, labels: tf.tensor1d([0, 1, 2], 'int32') };
  const distinct = batchOf(6, 9);
  // In training mode BN mixes the batch, but identical samples stay identical: K has equal rows.
  assert.equal(reluLogdet(net, EXAMPLE, dup), -Infinity);
  assert.ok(Number.isFinite(reluLogdet(net, EXAMPLE, distinct)));
  // Disconnected cells output zeros without computing anything; reduction blocks and head remain.
  assert.equal(reluCount(net, ALL_NONE, distinct), 4 + 1);
  net.dispose();
  tf.dispose([one, dup.x, dup.labels, distinct.x, distinct.labels]);
});

test('bad calls: data-dependent proxies need a batch; seeds need a factory', () => {
  assert.throws(() => zeroShotScores(tiny, [EXAMPLE], ['snip']), (e: unknown) => e instanceof ConfigError && e.path === '/batch');
  const net = tiny(1);
  assert.throws(() => zeroShotScores(net, [EXAMPLE], ['synflow'], { seeds: [1] }), (e: unknown) => e instanceof ConfigError && e.path === '/seeds');
  assert.throws(() => zeroShotScores(net, ['|bogus~0|'], ['synflow']), ConfigError);
  net.dispose();
});

test('every proxy runs on a tiny DARTS cell network (dilated convs scored too)', () => {
  const DARTS_V2 =
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
  const batch = batchOf(4, 2);
  const factory = (seed: number): DartsSupernet => new DartsSupernet({ channels: 4, layers: 3, inputSize: 8, seed, scope: `zs-darts-${seed}` });
  const net = factory(1);
  const names = [...scoredWeightNames(net.root)];
  net.build();
  assert.ok([...scoredWeightNames(net.root)].some((n) => n.includes('dil_conv_3x3.dw.weight')), `dilated depthwise weights are scored (${names.length} before build)`);
  net.dispose();
  const before = tf.memory().numTensors;
  const [r] = zeroShotScores(factory, [DARTS_V2], [...ZERO_SHOT_PROXIES], { batch, seeds: [20] });
  assert.equal(tf.memory().numTensors, before);
  for (const p of ZERO_SHOT_PROXIES) assert.ok(Number.isFinite(r?.scores[p]), `${p} = ${r?.scores[p]}`);
  tf.dispose([batch.x, batch.labels]);
});
