import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { Nb201Supernet, type Nb201Options } from '../../../../trial-runtime/supernets/nb201/nb201-supernet';
import { checkAllFolded, checkFusedEqualsPlain, checkFusedLeakFree, fusedError, FUSED_TOLERANCE } from '../fused-checks';

before(useCpuBackend);

const TINY: Nb201Options = { channels: 4, cellsPerStage: 1, inputSize: 8, inChannels: 3, numClasses: 4, dropout: 0 };

/** Connected cells: all 3x3 convs, all 1x1 convs, and two mixes of convs, skips, pools and none. */
const ARCHS = [
  [3, 3, 3, 3, 3, 3],
  [2, 2, 2, 2, 2, 2],
  [2, 3, 1, 4, 2, 3],
  [3, 0, 2, 1, 3, 4],
];

test('nb201: fused eval = plain eval (random BN stats, after training, after new weights), affine-less and affine cell BN', () => {
  const x = tf.randomNormal([3, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  for (const cellBnAffine of [false, true]) {
    const net = new Nb201Supernet({ ...TINY, cellBnAffine, seed: 3, scope: `nb201-fused-${cellBnAffine}` });
    checkFusedEqualsPlain(net, x, ARCHS, 5);
    net.dispose();
  }
  x.dispose();
});

test('nb201: every conv + BN of the path runs folded (only the head BN, after a sum, stays)', async () => {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const net = new Nb201Supernet({ ...TINY, scope: 'nb201-fused-all' });
  await checkAllFolded(net, x, ARCHS, 1);
  net.dispose();
  x.dispose();
});

test('nb201: a disconnected cell (zeros) runs fused too', () => {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const net = new Nb201Supernet({ ...TINY, scope: 'nb201-fused-disc' });
  assert.ok(fusedError(net, x, [0, 3, 3, 0, 0, 0]) < FUSED_TOLERANCE);
  net.dispose();
  x.dispose();
});

test('nb201: fused passes leak nothing; dispose frees the folded kernels', () => {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  checkFusedLeakFree(() => new Nb201Supernet({ ...TINY, scope: 'nb201-fused-leak' }), x, ARCHS);
  x.dispose();
});
