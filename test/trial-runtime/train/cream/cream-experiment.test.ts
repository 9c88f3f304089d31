import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { useCpuBackend } from '../../nn/tf-cpu';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { generateSearchSpace } from '../../../../trial-runtime/programs/ss-gen';
import { parseProgramArgs } from '../../../../trial-runtime/programs/parse-program-args';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS, knownDatasetShape, supernetOptionsFor } from '../../../../trial-runtime/programs/train-supernet';
import { EVAL_ARCH_DEFAULTS, EVAL_ARCH_KINDS } from '../../../../trial-runtime/programs/eval-arch-trial';
import { SupernetTrainer } from '../../../../trial-runtime/train/supernet-trainer';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import { CreamStrategy } from '../../../../trial-runtime/train/cream/cream-strategy';
import { loadConfigFile } from '../../../../daemon/config/load-config';
import { builtinTuners, findTuner } from '../../../../tuners/registry';
import { tempDir } from '../tiny-fixtures';

before(useCpuBackend);

/** Source folder (tests run from dist/test/trial-runtime/train/cream). */
const DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'experiments', 'cream-cpu');

type Config = { trialCommand: string; tuner: { name: string } };

function argv(command: string): string[] {
  const tokens = (command.match(/'[^']*'|\S+/g) ?? []).map((t) => (t.startsWith("'") ? t.slice(1, -1) : t));
  return tokens.slice(2);
}

test('experiments/cream-cpu: configs validate, the search reads the supernet\'s checkpoints, search_space.json is ss_gen\'s', () => {
  const { config } = loadConfigFile(path.join(DIR, 'supernet.yml'), { tuners: builtinTuners() });
  assert.ok(Object.keys(config.searchSpace).length > 0);
  const sup = parseYaml(fs.readFileSync(path.join(DIR, 'supernet.yml'), 'utf8')) as Config;
  const search = parseYaml(fs.readFileSync(path.join(DIR, 'search.yml'), 'utf8')) as Config;
  const o = parseProgramArgs(argv(sup.trialCommand), TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  assert.deepEqual([o.space, o.strategy, o.dataset, o.nesterov], ['cream-cpu', 'cream', 'fashion-mnist', true]);
  assert.equal(search.tuner.name, 'PrioritizedPath');
  // The PrioritizedPath tuner is another helper's; validate the search config once it is registered.
  if (findTuner('PrioritizedPath') !== undefined) loadConfigFile(path.join(DIR, 'search.yml'), { tuners: builtinTuners() });
  const eo = parseProgramArgs(argv(search.trialCommand), EVAL_ARCH_KINDS, EVAL_ARCH_DEFAULTS);
  assert.equal(eo.checkpoint, o.checkpointDir);
  const known = knownDatasetShape(o.dataset);
  assert.ok(known);
  const expected = generateSearchSpace(o.space, supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(DIR, 'search_space.json'), 'utf8')), JSON.parse(JSON.stringify(expected)));
});

test('experiments/cream-cpu: one tiny distilled training step with the config\'s options', () => {
  const sup = parseYaml(fs.readFileSync(path.join(DIR, 'supernet.yml'), 'utf8')) as Config;
  const o = parseProgramArgs(argv(sup.trialCommand), TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  const reduced = { inputSize: 8, numClasses: 4, flopsInputSize: 8, seed: 0, scope: 'cfg-cream-cpu' };
  const net = createSupernet(o.space, reduced);
  const { dir, cleanup } = tempDir('nasctl-cream-cfg-');
  try {
    // Warm-up 0 so the first step already fills the board (the config's other options as given).
    const strategy = createStrategy(o.strategy, { net, options: { ...o.strategyOptions, metaStaEpoch: 0 }, epochs: o.epochs, seed: o.seed, checkpointDir: dir, log: () => undefined });
    assert.ok(strategy instanceof CreamStrategy);
    const n = 8;
    const split = { size: 2 * n, images: Uint8Array.from({ length: 2 * n * 64 }, (_, i) => (i * 37) % 256), labels: Uint8Array.from({ length: 2 * n }, (_, i) => i % 4) };
    const trainer = new SupernetTrainer(net, { train: split, val: split, shape: [8, 8, 1] }, {
      epochs: 1, batchSize: n, lr: o.lr, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay, labelSmoothing: o.labelSmoothing, seed: 0, strategy,
      maxStepsPerEpoch: 2, validationPaths: 1, validationBatches: 1, validationRecalBatches: 0, normalization: null, space: o.space, supernetOptions: reduced, backend: 'cpu',
    });
    return trainer.run().then((epochs) => {
      assert.ok(Number.isFinite(epochs[0]?.trainLoss));
      assert.equal(strategy.entries.length, 2);
      assert.ok(strategy.currentTeacher, 'the second step distilled from the first path');
      assert.ok(fs.existsSync(path.join(dir, 'board.json')));
      trainer.dispose();
      net.dispose();
    }).finally(cleanup);
  } catch (e) {
    cleanup();
    throw e;
  }
});
