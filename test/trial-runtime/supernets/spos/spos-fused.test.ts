import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { SposSupernet } from '../../../../trial-runtime/supernets/spos/spos-supernet';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { recalibrateBatchNorm } from '../../../../trial-runtime/nn/bn-recalibration';
import { checkFusedLeakFree, fusedError, fusedLogits, trainStep } from '../fused-checks';

before(useCpuBackend);

const small = (seed: number, dropout = 0): SposSupernet =>
  new SposSupernet({ inputSize: 16, inChannels: 3, numClasses: 5, stemChannels: 8, stageChannels: [16, 32], stageRepeats: [2, 2], lastChannels: 32, dropout, seed, scope: `t-fused-${seed}-${dropout}` });

/** Every candidate in every layer (4 archs), plus a mixed one. */
const ARCHS = [[0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3], [2, 3, 0, 1]];

test('SPOS eval forward with fuse equals the plain eval forward on every candidate, before and after BN stats change', () => {
  const net = small(1);
  const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const batches = [0, 1].map((i) => tf.randomNormal([4, 16, 16, 3], 0.5, 2, 'float32', 20 + i) as tf.Tensor4D);
  for (const arch of ARCHS) {
    assert.ok(fusedError(net, x, arch) < 1e-4, `fresh ${arch}`);
    const before = fusedLogits(net, x, arch);
    recalibrateBatchNorm(net.root, batches, (b) => tf.tidy(() => void net.forward(b, arch, { training: true })));
    const after = fusedLogits(net, x, arch);
    assert.notDeepEqual(after, before, 'recalibration changed the statistics, so the fused output must change');
    assert.ok(fusedError(net, x, arch) < 1e-4, `recalibrated ${arch}`);
  }
  net.dispose();
  tf.dispose([x, ...batches]);
});

test('after a training step the fused eval forward follows the new weights', () => {
  const net = small(2);
  const arch = [2, 3, 0, 1];
  const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  assert.ok(fusedError(net, x, arch) < 1e-4);
  trainStep(net, x, arch, 0.5);
  assert.ok(fusedError(net, x, arch) < 1e-4);
  net.dispose();
  x.dispose();
});

test('fused passes leak nothing; dispose frees the folded kernels with the weights', () => {
  const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  checkFusedLeakFree(() => small(3), x, [[1, 2, 3, 0]]);
  x.dispose();
});

test('spos-cpu preset: fused eval equals plain eval', () => {
  const net = createSupernet('spos-cpu', { seed: 4, scope: 't-fused-cpu' });
  const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
  const arch = Array.from({ length: Object.keys(net.searchSpace()).length }, (_, i) => i % 4);
  tf.tidy(() => void net.forward(x, arch, { training: true }));
  assert.ok(fusedError(net, x, arch) < 1e-4);
  net.dispose();
  x.dispose();
});

test('dropout with a seed is reproducible; another seed gives another mask', () => {
  const net = small(5, 0.5);
  const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const arch = [0, 1, 2, 3];
  const logits = (seed?: number): number[] =>
    tf.tidy(() => Array.from(net.forward(x, arch, seed === undefined ? { training: true } : { training: true, seed }).dataSync()));
  // Training-mode passes update BN running stats, but not the outputs (batch statistics).
  const a = logits(7);
  assert.deepEqual(logits(7), a);
  assert.notDeepEqual(logits(8), a);
  net.dispose();
  x.dispose();
});
