import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { CreamSupernet } from '../../../../trial-runtime/supernets/cream/cream-supernet';
import { CREAM_CPU_PRESET, type CreamOptions } from '../../../../trial-runtime/supernets/cream/cream-layout';
import { checkAllFolded, checkFusedEqualsPlain, checkFusedLeakFree } from '../fused-checks';

before(useCpuBackend);

/** The CPU preset with one layer per searchable stage, at 16 px. */
const TINY: CreamOptions = { ...CREAM_CPU_PRESET, staNum: [1, 1, 1, 1, 1], inputSize: 16, numClasses: 4 };

/** Each of the 6 ops in every layer, and a mix. */
const ARCHS = [...[0, 1, 2, 3, 4, 5].map((op) => new Array<number>(5).fill(op)), [5, 0, 3, 1, 4]];

test('cream: fused eval (conv+BN folded, Swish after) = plain eval (random BN stats, after training, after new weights); every BN folded', async () => {
  const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const net = new CreamSupernet({ ...TINY, seed: 6, scope: 'cream-fused' }, 'cream-cpu');
  checkFusedEqualsPlain(net, x, ARCHS, 13);
  await checkAllFolded(net, x, ARCHS);
  net.dispose();
  x.dispose();
});

test('cream: fused passes leak nothing; dispose frees the folded kernels', () => {
  const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  checkFusedLeakFree(() => new CreamSupernet({ ...TINY, scope: 'cream-fused-leak' }, 'cream-cpu'), x, ARCHS);
  x.dispose();
});
