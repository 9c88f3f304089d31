import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { useCpuBackend } from '../../nn/tf-cpu';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { generateSearchSpace } from '../../../../trial-runtime/programs/ss-gen';
import { parseProgramArgs } from '../../../../trial-runtime/programs/parse-program-args';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS, knownDatasetShape, supernetOptionsFor } from '../../../../trial-runtime/programs/train-supernet';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import { CloseStrategy } from '../../../../trial-runtime/train/close/close-strategy';
import { loadConfigFile } from '../../../../daemon/config/load-config';
import { builtinTuners } from '../../../../tuners/registry';
import { closeStepRig, experimentDir, trialArgv } from './close-experiment-fixtures';

before(useCpuBackend);

const DIR = experimentDir('close-nb201');
const argv = (file: string): string[] => trialArgv(DIR, file);

test('experiments/close-nb201: configs pass the daemon validation; the supernet is the ground truth\'s small NB201 with CLOSE', () => {
  for (const f of ['supernet.yml', 'search.yml']) loadConfigFile(path.join(DIR, f), { tuners: builtinTuners() });
  assert.ok(fs.existsSync(path.join(DIR, 'README.md')));
  const o = parseProgramArgs(argv('supernet.yml'), TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  assert.equal(o.space, 'nb201-close');
  assert.equal(o.strategy, 'close');
  assert.equal(o.dataset, 'fashion-mnist');
  const known = knownDatasetShape(o.dataset);
  assert.ok(known);
  const options = supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses);
  // The ground-truth table's supernet: nb201 {"channels": 8, "cellsPerStage": 1}, sizes filled from Fashion-MNIST.
  assert.deepEqual(options, supernetOptionsFor('nb201', { channels: 8, cellsPerStage: 1 }, known.shape, known.numClasses));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(DIR, 'search_space.json'), 'utf8')), JSON.parse(JSON.stringify(generateSearchSpace(o.space, options))));
  assert.deepEqual(generateSearchSpace('nb201', options), generateSearchSpace(o.space, options), 'same space as nb201');
  const net = createSupernet(o.space, options);
  const s = createStrategy(o.strategy, { net, options: o.strategyOptions, epochs: o.epochs, seed: o.seed, checkpointDir: os.tmpdir(), log: () => undefined }) as CloseStrategy;
  assert.deepEqual(s.clSchedule, [1, 2, 3, 4, 5]);
  assert.ok(argv('search.yml').join(' ').includes('--checkpoint output/supernet'), 'the search reads the checkpoints the supernet writes');
});

test('experiments/close-nb201: one tiny CLOSE training step at reduced size (level 2, gate trained)', () => {
  const { net, step, dispose } = closeStepRig(DIR, { channels: 4, inputSize: 8, numClasses: 4, dropout: 0, numCurriculums: 2, gate: { gcnDims: [16], mlpDims: [16] }, scope: 'close-exp' });
  assert.equal(net.level(), 2);
  const gate = net.root.namedWeights().get('gate.mlp.out.weight');
  assert.ok(gate);
  const before = gate.dataSync().slice();
  const loss = step('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|');
  assert.ok(Number.isFinite(loss) && loss > 0);
  assert.notDeepEqual(gate.dataSync(), before, 'the gate is trained in the step');
  dispose();
});
