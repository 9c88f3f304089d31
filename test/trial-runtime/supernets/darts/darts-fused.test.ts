import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { DartsSupernet, type DartsOptions } from '../../../../trial-runtime/supernets/darts/darts-supernet';
import { DARTS_MIXED, DARTS_V2 } from '../close/close-fixtures';
import { checkAllFolded, checkFusedEqualsPlain, checkFusedLeakFree } from '../fused-checks';
import { createRng } from '../../../../tuners/rng';
import { randomArch } from '../supernet-checks';

before(useCpuBackend);

/** C=4, 3 cells (normal, reduce, reduce: the last one's s0 goes through FactorizedReduce). */
const TINY: DartsOptions = { channels: 4, layers: 3, inputSize: 8, inChannels: 3, numClasses: 4 };

/** DARTS_V2 (stride-2 skips = FactorizedReduce), a mix of every parametric op, two random genotypes. */
function archs(net: DartsSupernet): number[][] {
  const rng = createRng(11);
  return [net.parseArch(DARTS_V2), net.parseArch(DARTS_MIXED), randomArch(net, rng), randomArch(net, rng)];
}

test('darts: fused eval = plain eval (random BN stats, after training, after new weights); every BN folded (FactorizedReduce per half)', async () => {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const net = new DartsSupernet({ ...TINY, seed: 2, scope: 'darts-fused' });
  checkFusedEqualsPlain(net, x, archs(net), 7);
  await checkAllFolded(net, x, archs(net));
  net.dispose();
  x.dispose();
});

test('darts: fused passes leak nothing; dispose frees the folded kernels', () => {
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const probe = new DartsSupernet(TINY);
  const list = archs(probe);
  checkFusedLeakFree(() => new DartsSupernet({ ...TINY, scope: 'darts-fused-leak' }), x, list);
  x.dispose();
});
