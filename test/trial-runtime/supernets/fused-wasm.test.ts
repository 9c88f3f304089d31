/**
 * The folded eval forward of every supernet on the wasm backend (nasctl's kernels installed):
 * fused = plain within 1e-4 with random BN statistics and after a training step.
 */
import { before, test } from 'node:test';
import type * as tfc from '@tensorflow/tfjs-core';
import { loadBothBackends } from '../compute/backends';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import type { Supernet } from '../../../trial-runtime/supernets/supernet';
import { CREAM_CPU_PRESET } from '../../../trial-runtime/supernets/cream/cream-layout';
import { DARTS_MIXED } from './close/close-fixtures';
import { checkFusedEqualsPlain } from './fused-checks';
import { createRng } from '../../../tuners/rng';
import { randomArch } from './supernet-checks';

let tf: typeof tfc;

before(async () => {
  tf = (await loadBothBackends()) as typeof tfc;
  await tf.setBackend('wasm');
});

const CASES: Array<{ space: string; options: Record<string, unknown>; archs: (net: Supernet) => number[][] }> = [
  { space: 'nb201', options: { channels: 4, cellsPerStage: 1, inputSize: 8, inChannels: 1, numClasses: 4, dropout: 0 }, archs: () => [[3, 3, 3, 3, 3, 3], [2, 3, 1, 4, 2, 3]] },
  { space: 'darts', options: { channels: 4, layers: 3, inputSize: 8, inChannels: 1, numClasses: 4 }, archs: (net) => [net.parseArch(DARTS_MIXED)] },
  { space: 'nds-resnexta', options: { inputSize: 8, inChannels: 1, numClasses: 4, depths: [1, 2], widths: [8, 16], botMuls: [0.5, 1], numGroups: [1, 2], numStages: 2, stemWidth: 8 }, archs: (net) => [randomArch(net, createRng(3)), randomArch(net, createRng(4))] },
  { space: 'cream-cpu', options: { ...CREAM_CPU_PRESET, staNum: [1, 1, 1, 1, 1], inputSize: 16, numClasses: 4 }, archs: () => [[0, 1, 2, 3, 4], [5, 5, 5, 5, 5]] },
];

for (const c of CASES) {
  test(`${c.space} on wasm: fused eval = plain eval (random BN stats, after a training step, after new weights)`, () => {
    const net = createSupernet(c.space, { ...c.options, seed: 1, scope: `wasm-fused-${c.space}` });
    const [h, w, ch] = net.inputShape;
    const x = tf.randomNormal([2, h, w, ch], 0, 1, 'float32', 1) as tfc.Tensor4D;
    checkFusedEqualsPlain(net, x, c.archs(net), 21);
    net.dispose();
    x.dispose();
  });
}
