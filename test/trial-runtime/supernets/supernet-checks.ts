import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Supernet } from '../../../trial-runtime/supernets/supernet';
import type { Rng } from '../../../tuners/rng';

/** Test helper: a uniformly random canonical architecture of `net`'s space. */
export function randomArch(net: Supernet, rng: Rng): number[] {
  return Object.values(net.searchSpace()).map((spec) => rng.int((spec._value as unknown[]).length));
}

/**
 * Test helper: FLOPs and params of `arch` summed by hand from `net.costModel()` (base + the entry
 * of each key's chosen candidate name; NaN when an entry is missing). The model must exist.
 */
export function costFromModel(net: Supernet, arch: readonly number[]): { flops: number; params: number } {
  const cm = net.costModel();
  assert.ok(cm);
  const space = net.searchSpace();
  let flops: number = cm.base.flops;
  let params: number = cm.base.params;
  Object.keys(space).forEach((k, j) => {
    const name = String((space[k]?._value as unknown[])[arch[j] as number]);
    flops += cm.perChoice[k]?.[name]?.flops ?? NaN;
    params += cm.perChoice[k]?.[name]?.params ?? NaN;
  });
  return { flops, params };
}

/**
 * Shared checks for one architecture: output shape, exactly the path's variables get gradients,
 * and no tensors leak across two forward passes.
 */
export function checkArch(net: Supernet, arch: readonly number[], batch: number): void {
  const [h, w, c] = net.inputShape;
  const x = tf.randomNormal([batch, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tidy(() => net.forward(x, arch, { training: true }));
  assert.deepEqual(y.shape, [batch, net.numClasses]);
  assert.ok(Array.from(y.dataSync()).every(Number.isFinite));
  y.dispose();

  const all = net.root.trainableVariables();
  const onPath = net.variablesForArch(arch);
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(tf.square(net.forward(x, arch, { training: true })))), all);
  const got = Object.keys(grads).sort();
  const want = onPath.map((v) => v.name).sort();
  assert.deepEqual(got, want, `gradients should reach exactly the path of arch ${JSON.stringify(arch)}`);
  assert.ok(onPath.length < all.length, 'a path must be a strict subset of the supernet');
  value.dispose();
  tf.dispose(Object.values(grads));

  const run = (training: boolean): void => tf.tidy(() => void net.forward(x, arch, { training }));
  run(false);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    run(true);
    run(false);
  }
  assert.equal(tf.memory().numTensors, before, 'forward passes must not leak tensors');
  x.dispose();
}
