import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { useCpuBackend } from '../trial-runtime/nn/tf-cpu';
import { createRng } from '../../tuners/rng';
import { createSupernet, type SupernetOptions } from '../../trial-runtime/supernets/registry';
import { generateSearchSpace } from '../../trial-runtime/programs/ss-gen';
import { parseProgramArgs } from '../../trial-runtime/programs/parse-program-args';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS, knownDatasetShape, makeSampler, supernetOptionsFor, type TrainSupernetOptions } from '../../trial-runtime/programs/train-supernet';
import { EVAL_ARCH_DEFAULTS, EVAL_ARCH_KINDS } from '../../trial-runtime/programs/eval-arch-trial';
import { SupernetTrainer } from '../../trial-runtime/train/supernet-trainer';
import { flopsFunction } from '../../trial-runtime/train/path-sampler';
import { loadConfigFile } from '../../daemon/config/load-config';
import { builtinTuners } from '../../tuners/registry';
import { builtinAssessors } from '../../tuners/assessors/registry';

before(useCpuBackend);

/** Source folder of the experiments (tests run from dist/test/experiments). */
const ROOT = path.resolve(__dirname, '..', '..', '..', 'experiments');
/** Example experiments (supernet + search pairs); ground-truth/ holds table-building experiments, tested on their own. */
const FOLDERS = fs.readdirSync(ROOT).filter((d) => d !== 'ground-truth' && fs.statSync(path.join(ROOT, d)).isDirectory()).sort();

type Config = Record<string, unknown> & { trialCommand: string; tuner: { name: string }; trainingService: { platform: string; reuseMode?: boolean } };

function load(folder: string, file: string): Config {
  return parseYaml(fs.readFileSync(path.join(ROOT, folder, file), 'utf8')) as Config;
}

/** The program and argv of a trialCommand `node <path>.js args...` (single quotes allowed). */
function splitCommand(command: string): { program: string; argv: string[] } {
  const tokens = (command.match(/'[^']*'|\S+/g) ?? []).map((t) => (t.startsWith("'") ? t.slice(1, -1) : t));
  assert.equal(tokens[0], 'node', `trialCommand must start with node: ${command}`);
  return { program: tokens[1] as string, argv: tokens.slice(2) };
}

/** Reduced sizes for one CPU step of each space (same structure, tiny channels and resolution). */
const REDUCED: Record<string, SupernetOptions> = {
  spos: { inputSize: 16, inChannels: 3, numClasses: 10, widthMultiplier: 0.125, depthMultiplier: 0.25, dropout: 0 },
  'nds-resnet': { inputSize: 8, inChannels: 3, numClasses: 10, depths: [1, 2], widths: [16, 24] },
  'nds-resnexta': { inputSize: 8, inChannels: 3, numClasses: 10, depths: [1, 2], widths: [16, 32], botMuls: [0.25, 0.5], numGroups: [1, 2] },
  'cream-cpu': { inputSize: 8, numClasses: 10, flopsInputSize: 8 },
  'nb201-close': { channels: 4, cellsPerStage: 1, inputSize: 8, inChannels: 1, numClasses: 10, dropout: 0, numCurriculums: 2 },
  'darts-close': { channels: 4, layers: 3, inputSize: 8, inChannels: 1, numClasses: 10, numCurriculums: 2, gate: { gcnDims: [8], mlpDims: [8] } },
};

test('every experiment folder has supernet.yml, search.yml and a README (quickstart: run.js)', () => {
  assert.deepEqual(FOLDERS, ['close-darts', 'close-nb201', 'cream-cpu', 'nds-resnet', 'nds-resnexta', 'quickstart', 'spos-cifar10', 'spos-imagenet']);
  for (const f of FOLDERS) {
    for (const file of ['supernet.yml', 'search.yml', 'search_space.json', 'README.md']) assert.ok(fs.existsSync(path.join(ROOT, f, file)), `${f}/${file}`);
  }
  assert.ok(fs.existsSync(path.join(ROOT, 'quickstart', 'run.js')));
});

for (const folder of FOLDERS) {
  test(`${folder}: both configs pass the daemon's own validation (schema, search space, tuner classArgs)`, () => {
    for (const file of ['supernet.yml', 'search.yml']) {
      const { config } = loadConfigFile(path.join(ROOT, folder, file), { tuners: builtinTuners(), assessors: builtinAssessors() });
      assert.ok(Object.keys(config.searchSpace).length > 0, `${folder}/${file}`);
    }
  });

  test(`${folder}: configs have the required NNI v2 fields and valid trial options`, () => {
    const sup = load(folder, 'supernet.yml');
    const search = load(folder, 'search.yml');
    for (const c of [sup, search]) {
      assert.equal(typeof c.trialCommand, 'string');
      assert.ok(Number.isInteger(c['trialConcurrency']) && (c['trialConcurrency'] as number) > 0);
      assert.equal(typeof c.tuner?.name, 'string');
      assert.equal(c.trainingService?.platform, 'local');
      assert.ok(('searchSpace' in c) !== ('searchSpaceFile' in c), 'exactly one of searchSpace and searchSpaceFile');
      assert.equal(c['trialCodeDirectory'], '.');
    }
    const s = splitCommand(sup.trialCommand);
    assert.equal(path.normalize(path.join(ROOT, folder, s.program)), path.resolve(ROOT, '..', 'dist', 'trial-runtime', 'programs', 'train-supernet.js'));
    const o = parseProgramArgs(s.argv, TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
    assert.equal(o.checkpointDir, 'output/supernet');
    // Every key of the supernet experiment's space is a train-supernet option it overrides.
    for (const key of Object.keys(sup['searchSpace'] as object)) assert.ok(key in TRAIN_SUPERNET_KINDS, `unknown parameter ${key}`);

    const e = splitCommand(search.trialCommand);
    assert.match(e.program, /eval-arch-trial\.js$/);
    const eo = parseProgramArgs(e.argv, EVAL_ARCH_KINDS, EVAL_ARCH_DEFAULTS);
    assert.equal(eo.checkpoint, o.checkpointDir, 'the search reads the checkpoints the supernet writes');
    assert.equal(search.trainingService.reuseMode, true);
    assert.equal(search['searchSpaceFile'], 'search_space.json');
    // The committed space is what `nasctl ss_gen` gives for the supernet the config trains.
    const known = knownDatasetShape(o.dataset, o.imageSize);
    assert.ok(known);
    const expected = generateSearchSpace(o.space, supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ROOT, folder, 'search_space.json'), 'utf8')), JSON.parse(JSON.stringify(expected)));
  });
}

for (const folder of FOLDERS.filter((f) => f !== 'quickstart')) {
  test(`${folder}: one tiny training step of its supernet at reduced size`, () => {
    const o: TrainSupernetOptions = parseProgramArgs(splitCommand(load(folder, 'supernet.yml').trialCommand).argv, TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
    const reduced = REDUCED[o.space];
    assert.ok(reduced, `no reduced size for space ${o.space}`);
    if (o.sampling === 'flops-bins') {
      const full = createSupernet(o.space, supernetOptionsFor(o.space, o.supernetOptions, [o.imageSize ?? 224, o.imageSize ?? 224, 3], 1000));
      const f = flopsFunction(full)(makeSampler(full, o).sample(createRng(1)));
      assert.ok(f >= (o.flopsMin as number) && f <= (o.flopsMax as number), `FLOPs ${f} outside the configured window`);
    }
    const net = createSupernet(o.space, { ...reduced, scope: `cfg-${folder}` });
    const shape = net.inputShape;
    const n = 4;
    const size = shape[0] * shape[1] * shape[2];
    const split = { size: n, images: Uint8Array.from({ length: n * size }, (_, i) => (i * 37) % 256), labels: Uint8Array.from([0, 1, 2, 3]) };
    const trainer = new SupernetTrainer(net, { train: split, val: split, shape }, {
      epochs: 1, batchSize: n, lr: o.lr, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay, labelSmoothing: o.labelSmoothing,
      seed: 0, normalization: null, space: o.space, supernetOptions: reduced as Record<string, unknown>, backend: 'cpu',
    });
    const arch = net.parseArch(net.toParameters(Object.keys(net.searchSpace()).map(() => 0)));
    const w = [...net.root.namedWeights()].find(([k]) => /classifier|fc|head/.test(k) && k.endsWith('weight'));
    assert.ok(w, 'a classifier weight exists');
    const before = w[1].dataSync().slice();
    const x = Float32Array.from(split.images, (v) => v / 255);
    const [loss] = trainer.trainStep(x, Int32Array.from(split.labels), n, arch, o.lr);
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    assert.notDeepEqual(w[1].dataSync(), before, `${w[0]} did not change in the step`);
    trainer.dispose();
    net.dispose();
  });
}
