import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { Nb201CloseSupernet } from '../../../../trial-runtime/supernets/close/nb201-close-supernet';
import { DartsCloseSupernet } from '../../../../trial-runtime/supernets/close/darts-close-supernet';
import { NdsCloseSupernet } from '../../../../trial-runtime/supernets/close/nds-close-supernet';
import type { CloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { DARTS_MIXED, DARTS_V2, TINY_CLOSE, TINY_DARTS_CLOSE } from './close-fixtures';
import { checkAllFolded, checkFusedEqualsPlain, checkFusedLeakFree } from '../fused-checks';

before(useCpuBackend);

const TINY_NDS = { inputSize: 8, inChannels: 1, numClasses: 4, depths: [1, 2, 4], widths: [8, 16], numStages: 2, numCurriculums: 3 };

/** Each case: a CLOSE supernet at its last curriculum level (every GLOW block active) and its architectures. */
const CASES: Array<{ name: string; make: (scope: string) => CloseSupernet; archs: (net: CloseSupernet) => number[][] }> = [
  { name: 'nb201-close', make: (scope) => new Nb201CloseSupernet({ ...TINY_CLOSE, scope }), archs: () => [[3, 3, 3, 3, 3, 3], [2, 3, 1, 4, 2, 3]] },
  { name: 'darts-close', make: (scope) => new DartsCloseSupernet({ ...TINY_DARTS_CLOSE, scope }), archs: (net) => [net.parseArch(DARTS_V2), net.parseArch(DARTS_MIXED)] },
  { name: 'nds-resnet-close', make: (scope) => new NdsCloseSupernet('resnet', { ...TINY_NDS, scope }), archs: (net) => [[2, 2, 1, 1], [0, 1, 0, 1]].map((a) => net.parseArch(a)) },
];

for (const c of CASES) {
  test(`${c.name}: fused eval = plain eval at the last level (random BN stats, after training, after new weights); every BN folded`, async () => {
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const net = c.make(`${c.name}-fused`);
    net.setLevel(3);
    checkFusedEqualsPlain(net, x, c.archs(net), 17);
    await checkAllFolded(net, x, c.archs(net), c.name === 'nb201-close' ? 1 : 0);
    net.dispose();
    x.dispose();
  });

  test(`${c.name}: fused passes leak nothing; dispose frees the folded kernels`, () => {
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const probe = c.make(`${c.name}-probe`);
    const list = c.archs(probe);
    checkFusedLeakFree(() => c.make(`${c.name}-fused-leak`), x, list);
    x.dispose();
  });
}
