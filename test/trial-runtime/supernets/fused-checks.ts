import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Supernet } from '../../../trial-runtime/supernets/supernet';
import { BatchNorm } from '../../../trial-runtime/nn/batch-norm';
import { relativeError } from '../compute/backends';

/** What tf.profile reports. */
type Profile = Awaited<ReturnType<typeof tf.profile>>;

/** Largest relative difference allowed between the fused and the plain eval forward. */
export const FUSED_TOLERANCE = 1e-4;

/** Test helper: relative error of the fused eval logits of `arch` against the plain eval logits. */
export function fusedError(net: Supernet, x: tf.Tensor4D, arch: readonly number[]): number {
  return tf.tidy(() => {
    const fused = net.forward(x, [...arch], { training: false, fuse: true }).dataSync() as Float32Array;
    const plain = net.forward(x, [...arch], { training: false }).dataSync() as Float32Array;
    return relativeError(fused, plain);
  });
}

/** Test helper: fused eval logits of `arch` as a plain array. */
export function fusedLogits(net: Supernet, x: tf.Tensor4D, arch: readonly number[]): number[] {
  return tf.tidy(() => Array.from(net.forward(x, [...arch], { training: false, fuse: true }).dataSync()));
}

/**
 * Test helper: kernels of one cached fused eval pass of `arch` (after a first pass folded the
 * kernels): how many BN normalisations still ran unfolded (eval BN is the only Rsqrt of a
 * forward once the kernels are folded) and how many fused conv kernels ran.
 */
export async function fusedPassKernels(net: Supernet, x: tf.Tensor4D, arch: readonly number[]): Promise<{ unfoldedBns: number; fusedConvs: number; plainBns: number }> {
  // Names copied at once: tf.profile reuses one report object, so a later profile overwrites it.
  const kernelNames = async (fuse: boolean): Promise<string[]> => {
    const info: Profile = await tf.profile(() => tf.tidy(() => net.forward(x, [...arch], { training: false, fuse })));
    tf.dispose(info.result);
    return info.kernels.map((k) => k.name);
  };
  const count = (ran: readonly string[], names: readonly string[]): number => ran.filter((n) => names.includes(n)).length;
  tf.tidy(() => void net.forward(x, [...arch], { training: false, fuse: true }));
  const fused = await kernelNames(true);
  const plain = await kernelNames(false);
  return { unfoldedBns: count(fused, ['Rsqrt']), fusedConvs: count(fused, ['FusedConv2D', 'FusedDepthwiseConv2D']), plainBns: count(plain, ['Rsqrt']) };
}

/**
 * Test helper: every conv + BN pair of the path of each of `archs` runs folded: a cached fused
 * pass runs only `unfolded` BN normalisations (BNs without a conv before them, e.g. NB201's
 * head) and at least one fused conv, where the plain pass normalises more.
 */
export async function checkAllFolded(net: Supernet, x: tf.Tensor4D, archs: ReadonlyArray<readonly number[]>, unfolded = 0): Promise<void> {
  for (const arch of archs) {
    const k = await fusedPassKernels(net, x, arch);
    const tag = JSON.stringify(arch);
    assert.equal(k.unfoldedBns, unfolded, `arch ${tag}: BNs left unfolded in the fused pass`);
    assert.ok(k.fusedConvs > 0 && k.plainBns > unfolded, `arch ${tag}: the fused pass must run fused convs (${k.fusedConvs}) in place of BNs (${k.plainBns})`);
  }
}

/**
 * Test helper: gives every BatchNorm of the supernet seeded random running statistics (and
 * scale/shift when affine), so that a fold that ignored any of them would show.
 */
export function randomizeBatchNorms(net: Supernet, seed: number): void {
  net.build();
  let s = seed;
  tf.tidy(() => {
    for (const m of net.root.walk()) {
      if (!(m instanceof BatchNorm)) continue;
      const c = m.config.channels;
      const p = m.evalParameters();
      p.mean.assign(tf.randomNormal([c], 0, 0.5, 'float32', s++));
      p.variance.assign(tf.randomUniform([c], 0.3, 2, 'float32', s++));
      p.scale?.assign(tf.randomNormal([c], 1, 0.3, 'float32', s++));
      p.shift?.assign(tf.randomNormal([c], 0, 0.3, 'float32', s++));
    }
  });
}

/** Test helper: one SGD step of `arch` in training mode (weights and BN running stats change). */
export function trainStep(net: Supernet, x: tf.Tensor4D, arch: readonly number[], lr = 0.02): void {
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: x.shape[0] }, (_, i) => i % net.numClasses), 'int32'), net.numClasses);
  const opt = tf.train.sgd(lr);
  opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.forward(x, [...arch], { training: true })) as tf.Scalar, false, net.variablesForArch([...arch]));
  opt.dispose();
  labels.dispose();
}

/**
 * Test helper, the fused-path contract of one supernet on several architectures: fused = plain
 * (within {@link FUSED_TOLERANCE}) with random BN statistics, after a training step, and after
 * every conv kernel of the path is rescaled by hand (the folded cache must refold: the fused
 * output changes and still equals the plain one).
 */
export function checkFusedEqualsPlain(net: Supernet, x: tf.Tensor4D, archs: ReadonlyArray<readonly number[]>, seed = 1): void {
  randomizeBatchNorms(net, seed);
  const assertClose = (arch: readonly number[], when: string): void => {
    const e = fusedError(net, x, arch);
    assert.ok(e < FUSED_TOLERANCE, `${when}, arch ${JSON.stringify(arch)}: ${e}`);
  };
  for (const arch of archs) {
    const tag = JSON.stringify(arch);
    assertClose(arch, 'random BN stats');
    const before = fusedLogits(net, x, arch);
    trainStep(net, x, arch);
    const stepped = fusedLogits(net, x, arch);
    assert.ok(stepped.every(Number.isFinite), `the training step of ${tag} must keep the logits finite`);
    assert.notDeepEqual(stepped, before, `a training step must change the fused output of ${tag}`);
    assertClose(arch, 'after a training step');
    tf.tidy(() => {
      net.variablesForArch([...arch]).forEach((v, i) => {
        if (v.rank === 4) v.assign(tf.mul(v, tf.randomUniform(v.shape, 0.5, 1.5, 'float32', seed * 1000 + i)));
      });
    });
    assert.notDeepEqual(fusedLogits(net, x, arch), stepped, `new conv weights must change the fused output of ${tag} (refold)`);
    assertClose(arch, 'after assigning new weights');
  }
}

/**
 * Test helper: repeated fused eval forwards of `archs` keep the tensor count (the folded kernels
 * are made once), and disposing the supernet frees weights and folded kernels alike. `make`
 * creates the supernet (after the baseline count is taken); `x` must exist before.
 */
export function checkFusedLeakFree(make: () => Supernet, x: tf.Tensor4D, archs: ReadonlyArray<readonly number[]>): void {
  const base = tf.memory().numTensors;
  const net = make();
  const run = (): void => {
    for (const a of archs) tf.tidy(() => void net.forward(x, [...a], { training: false, fuse: true }));
  };
  run();
  const held = tf.memory().numTensors;
  run();
  run();
  assert.equal(tf.memory().numTensors, held, 'repeated fused passes must not grow the tensor count');
  net.dispose();
  assert.equal(tf.memory().numTensors, base, 'dispose must free the weights and the cached folded kernels');
}
