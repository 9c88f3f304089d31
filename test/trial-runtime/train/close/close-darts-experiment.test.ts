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
import { EVAL_ARCH_DEFAULTS, EVAL_ARCH_KINDS } from '../../../../trial-runtime/programs/eval-arch-trial';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import { CloseStrategy } from '../../../../trial-runtime/train/close/close-strategy';
import { loadConfigFile } from '../../../../daemon/config/load-config';
import { builtinTuners } from '../../../../tuners/registry';
import { closeStepRig, experimentDir, trialArgv } from './close-experiment-fixtures';
import { DARTS_MIXED } from '../../supernets/close/close-fixtures';

before(useCpuBackend);

const DIR = experimentDir('close-darts');
const argv = (file: string): string[] => trialArgv(DIR, file);

test('experiments/close-darts: configs pass the daemon validation; darts-close on Fashion-MNIST with the darts space and cl-2468 as fractions', () => {
  for (const f of ['supernet.yml', 'search.yml']) loadConfigFile(path.join(DIR, f), { tuners: builtinTuners() });
  assert.ok(fs.existsSync(path.join(DIR, 'README.md')));
  const o = parseProgramArgs(argv('supernet.yml'), TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  assert.equal(o.space, 'darts-close');
  assert.equal(o.strategy, 'close');
  assert.equal(o.dataset, 'fashion-mnist');
  const known = knownDatasetShape(o.dataset);
  assert.ok(known);
  const options = supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses);
  assert.deepEqual([options.inputSize, options.inChannels, options.numClasses], [28, 1, 10], 'sizes come from the dataset');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(DIR, 'search_space.json'), 'utf8')), JSON.parse(JSON.stringify(generateSearchSpace(o.space, options))));
  assert.deepEqual(generateSearchSpace('darts', options), generateSearchSpace(o.space, options), 'same space as darts');
  const net = createSupernet(o.space, options);
  const s = createStrategy(o.strategy, { net, options: o.strategyOptions, epochs: o.epochs, seed: o.seed, checkpointDir: os.tmpdir(), log: () => undefined }) as CloseStrategy;
  assert.deepEqual(s.clSchedule, [1, 2, 3, 4, 5]);
  const e = parseProgramArgs(argv('search.yml'), EVAL_ARCH_KINDS, EVAL_ARCH_DEFAULTS);
  assert.equal(e.checkpoint, o.checkpointDir, 'the search reads the checkpoints the supernet writes');
});

test('experiments/close-darts: one CLOSE training step at reduced size (level 2: the gate and both active blocks are updated)', () => {
  const { net, step, dispose } = closeStepRig(DIR, { channels: 4, layers: 3, inputSize: 8, inChannels: 1, numClasses: 4, numCurriculums: 2, gate: { gcnDims: [16], mlpDims: [16] }, scope: 'close-darts-exp' });
  assert.equal(net.level(), 2);
  const weights = net.root.namedWeights();
  const watched = ['gate.mlp.out.weight', 'cells.1.glow_reduce.0.sep_conv_3x3.part0.pw.weight', 'cells.1.glow_reduce.1.sep_conv_3x3.part0.pw.weight'].map((k) => {
    const v = weights.get(k);
    assert.ok(v, k);
    return { k, v, before: v.dataSync().slice() };
  });
  const loss = step(DARTS_MIXED);
  assert.ok(Number.isFinite(loss) && loss > 0);
  for (const w of watched) assert.notDeepEqual(w.v.dataSync(), w.before, `${w.k} is updated in the step`);
  dispose();
});
