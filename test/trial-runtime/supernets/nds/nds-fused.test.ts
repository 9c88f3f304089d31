import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useCpuBackend } from '../../nn/tf-cpu';
import { NdsSupernet } from '../../../../trial-runtime/supernets/nds/nds-supernet';
import type { NdsOptions } from '../../../../trial-runtime/supernets/nds/nds-space';
import { checkAllFolded, checkFusedEqualsPlain, checkFusedLeakFree } from '../fused-checks';
import { createRng } from '../../../../tuners/rng';
import { randomArch } from '../supernet-checks';

before(useCpuBackend);

/** Two stages, sub-widths and groups, so the folded kernels are cut to prefixes and block-diagonal groups. */
const BASE: NdsOptions = { inputSize: 8, inChannels: 3, numClasses: 4, depths: [1, 2], widths: [8, 16], numStages: 2, stemWidth: 8 };
const TINY: Record<'resnet' | 'resnexta', NdsOptions> = { resnet: BASE, resnexta: { ...BASE, botMuls: [0.5, 1], numGroups: [1, 2] } };

/** Smallest and largest choices everywhere, then random ones. */
function archs(net: NdsSupernet): number[][] {
  const n = Object.keys(net.searchSpace()).length;
  const rng = createRng(5);
  const max = Object.values(net.searchSpace()).map((s) => (s._value as unknown[]).length - 1);
  return [new Array<number>(n).fill(0), max, randomArch(net, rng), randomArch(net, rng), randomArch(net, rng)];
}

for (const kind of ['resnet', 'resnexta'] as const) {
  test(`nds-${kind}: fused eval = plain eval on full and sliced widths (random BN stats, after training, after new weights); every BN folded`, async () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const net = new NdsSupernet(kind, { ...TINY[kind], seed: 4, scope: `nds-fused-${kind}` });
    checkFusedEqualsPlain(net, x, archs(net), 9);
    await checkAllFolded(net, x, archs(net));
    net.dispose();
    x.dispose();
  });

  test(`nds-${kind}: fused passes leak nothing; dispose frees the folded kernels`, () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const list = archs(new NdsSupernet(kind, TINY[kind]));
    checkFusedLeakFree(() => new NdsSupernet(kind, { ...TINY[kind], scope: `nds-fused-leak-${kind}` }), x, list);
    x.dispose();
  });
}
