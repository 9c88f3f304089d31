import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_DEFAULTS, loadConfigFile, validateConfig } from '../../../daemon/config/load-config';
import { TRAINING_SERVICE_DEFAULTS } from '../../../daemon/config/normalize-training-service';
import experimentSchema from '../../../daemon/config/experiment.schema.json';
import type { LocalTrainingServiceConfig, SlurmTrainingServiceConfig } from '../../../daemon/config/experiment-config';
import { baseConfig, FAKE_OPTIONS, makeTempDir } from './fixtures';

const SPOS_V1_YAML = `authorName: unknown
experimentName: SPOS Search
trialConcurrency: 4
maxExecDuration: 7d
maxTrialNum: 99999
trainingServicePlatform: local
searchSpacePath: nni_auto_gen_search_space.json
useAnnotation: false
tuner:
  codeDir: .
  classFileName: tuner.py
  className: EvolutionWithFlops
trial:
  command: python tester.py --spos-prep
  codeDir: .
  gpuNum: 1
`;

const SPOS_SPACE = {
  LayerChoice1: { _type: 'layer_choice', _value: ['0', '1', '2', '3'] },
  LayerChoice2: { _type: 'layer_choice', _value: ['0', '1', '2', '3'] },
  _cost: {
    base: { flops: 1e7, params: 1e5 },
    perChoice: { LayerChoice1: { '0': { flops: 1e6, params: 10 } } },
  },
};

describe('loadConfigFile / validateConfig (valid configs)', () => {
  let dir = '';
  let cleanup = (): void => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir());
    fs.mkdirSync(path.join(dir, 'code'));
    fs.writeFileSync(path.join(dir, 'nni_auto_gen_search_space.json'), JSON.stringify(SPOS_SPACE));
    fs.writeFileSync(path.join(dir, 'space.yaml'), 'lr:\n  _type: loguniform\n  _value: [0.0001, 0.1]\n');
  });
  after(() => cleanup());

  it('loads a full v2 YAML config with relative paths resolved against its folder', () => {
    const file = path.join(dir, 'config.yml');
    fs.writeFileSync(file, `experimentName: full
searchSpaceFile: nni_auto_gen_search_space.json
trialCommand: node trial.js
trialCodeDirectory: ./code
trialConcurrency: 3
trialGpuNumber: 1
maxExperimentDuration: 2h
maxTrialDuration: 90
maxTrialNumber: 50
maxRetries: 2
tuner: {name: EVOLUTION, classArgs: {populationSize: 20, flopsLimit: 3.3e8}}
trainingService: {platform: local, useActiveGpu: true, gpuIndices: "0,1", maxTrialNumberPerGpu: 2, reuseMode: true, env: {A: b}}
experimentWorkingDirectory: ~/nasctl-exps
logLevel: debug
seed: 7
`);
    const { config, notices } = loadConfigFile(file, FAKE_OPTIONS);
    assert.deepEqual(notices, []);
    assert.equal(config.searchSpaceFile, path.join(dir, 'nni_auto_gen_search_space.json'));
    assert.equal(config.trialCodeDirectory, path.join(dir, 'code'));
    assert.equal(config.experimentWorkingDirectory, path.join(os.homedir(), 'nasctl-exps'));
    assert.deepEqual(Object.keys(config.searchSpace), ['LayerChoice1', 'LayerChoice2']);
    assert.deepEqual(config.searchSpaceCost, SPOS_SPACE._cost);
    assert.equal(config.maxExperimentDuration, '2h');
    assert.equal(config.maxTrialDuration, '90s');
    assert.deepEqual(config.tuner, { name: 'Evolution', classArgs: { populationSize: 20, flopsLimit: 3.3e8, optimize_mode: 'maximize' } });
    assert.deepEqual(config.trainingService, {
      platform: 'local', useActiveGpu: true, gpuIndices: [0, 1], maxTrialNumberPerGpu: 2, reuseMode: true, env: { A: 'b' },
    });
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.seed, 7);
    assert.equal(config.maxRetries, 2);
    assert.equal(config.trialGpuNumber, 1);
    assert.equal(config.maxTrialNumber, 50);
  });

  it('fills defaults and agrees with the defaults stated in the schema', () => {
    const { config } = validateConfig(baseConfig(), dir, FAKE_OPTIONS);
    assert.equal(config.trialCodeDirectory, dir);
    assert.equal(config.maxRetries, 0);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.seed, 0);
    assert.deepEqual(config.tuner, { name: 'Random', classArgs: { optimize_mode: 'maximize' } });
    assert.deepEqual(config.trainingService, { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false });
    assert.equal(config.searchSpaceFile, undefined);
    assert.equal(config.searchSpaceCost, undefined);
    const props = experimentSchema.properties;
    assert.equal(props.trialCodeDirectory.default, CONFIG_DEFAULTS.trialCodeDirectory);
    assert.equal(props.maxRetries.default, CONFIG_DEFAULTS.maxRetries);
    assert.equal(props.logLevel.default, CONFIG_DEFAULTS.logLevel);
    assert.equal(props.seed.default, CONFIG_DEFAULTS.seed);
    const local = experimentSchema.definitions.localTrainingService.properties;
    assert.equal(local.maxTrialNumberPerGpu.default, TRAINING_SERVICE_DEFAULTS.maxTrialNumberPerGpu);
    assert.equal(local.reuseMode.default, TRAINING_SERVICE_DEFAULTS.reuseMode);
    assert.equal(experimentSchema.definitions.slurmTrainingService.properties.reuseMode.default, TRAINING_SERVICE_DEFAULTS.reuseMode);
  });

  it('does not modify the object it validates', () => {
    const raw = { ...baseConfig(), trainingService: [{ platform: 'local', gpuIndices: '1' }], maxExperimentDuration: 60 };
    const copy = structuredClone(raw);
    validateConfig(raw, dir, FAKE_OPTIONS);
    assert.deepEqual(raw, copy);
  });

  for (const [given, expected] of [[3, [3]], ['0, 2', [0, 2]], ['1', [1]], [[3, 1], [3, 1]]] as const) {
    it(`normalizes gpuIndices ${JSON.stringify(given)} to ${JSON.stringify(expected)}`, () => {
      const { config } = validateConfig({ ...baseConfig(), trainingService: { platform: 'local', gpuIndices: given } }, dir, FAKE_OPTIONS);
      assert.deepEqual((config.trainingService as LocalTrainingServiceConfig).gpuIndices, expected);
    });
  }

  it('accepts NNI tolerances: one-element trainingService list, debug, useAnnotation false, nniManagerIp (with a notice)', () => {
    const { config, notices } = validateConfig(
      { ...baseConfig(), trainingService: [{ platform: 'local' }], debug: true, useAnnotation: false, nniManagerIp: '10.0.0.1' },
      dir, FAKE_OPTIONS,
    );
    assert.equal(config.trainingService.platform, 'local');
    assert.equal(config.logLevel, 'debug');
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /nniManagerIp \("10\.0\.0\.1"\) is ignored/);
  });

  it('reads a YAML search space file and resolves slurm paths', () => {
    const { config } = validateConfig({
      ...baseConfig(), searchSpace: undefined, searchSpaceFile: 'space.yaml',
      trainingService: { platform: 'slurm', partition: 'gpu', time: '1:00:00', memPerTrial: '16G', gpusPerTrial: 1, sbatchArgs: ['--exclusive'], sharedDirectory: 'shared' },
    }, dir, FAKE_OPTIONS);
    assert.deepEqual(config.searchSpace, { lr: { _type: 'loguniform', _value: [0.0001, 0.1] } });
    const slurm = config.trainingService as SlurmTrainingServiceConfig;
    assert.equal(slurm.sharedDirectory, path.join(dir, 'shared'));
    assert.equal(slurm.reuseMode, false);
    assert.deepEqual(slurm.sbatchArgs, ['--exclusive']);
  });

  it('accepts the SPOS v1 config as-is, with exactly one notice line', () => {
    const file = path.join(dir, 'config_search.yml');
    fs.writeFileSync(file, SPOS_V1_YAML);
    const { config, notices } = loadConfigFile(file, FAKE_OPTIONS);
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /^converted NNI v1 config to v2 \(.*maxExecDuration -> maxExperimentDuration.*EvolutionWithFlops \(Python\) -> built-in Evolution.*dropped authorName.*\)/);
    assert.ok(!(notices[0] ?? '').includes('\n'));
    assert.equal(config.experimentName, 'SPOS Search');
    assert.equal(config.trialConcurrency, 4);
    assert.equal(config.maxExperimentDuration, '7d');
    assert.equal(config.maxTrialNumber, 99999);
    assert.equal(config.trialCommand, 'python tester.py --spos-prep');
    assert.equal(config.trialCodeDirectory, dir);
    assert.equal(config.trialGpuNumber, 1);
    assert.equal(config.searchSpaceFile, path.join(dir, 'nni_auto_gen_search_space.json'));
    assert.deepEqual(config.tuner, { name: 'Evolution', classArgs: { flopsLimit: 330e6, optimize_mode: 'maximize', populationSize: 50 } });
    assert.deepEqual(config.trainingService, { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false });
    assert.deepEqual(config.searchSpaceCost, SPOS_SPACE._cost);
  });

  it('converts v1 builtin tuner names and localConfig', () => {
    const { config, notices } = validateConfig({
      trainingServicePlatform: 'local', localConfig: { gpuIndices: '0,1', maxTrialNumPerGpu: 2, useActiveGpu: false },
      trialConcurrency: 1, searchSpacePath: 'space.yaml', trial: { command: 'x', codeDir: 'code' },
      tuner: { builtinTunerName: 'random', classArgs: { optimize_mode: 'minimize' } },
    }, dir, FAKE_OPTIONS);
    assert.equal(notices.length, 1);
    assert.deepEqual(config.tuner, { name: 'Random', classArgs: { optimize_mode: 'minimize' } });
    assert.deepEqual(config.trainingService, { platform: 'local', gpuIndices: [0, 1], maxTrialNumberPerGpu: 2, useActiveGpu: false, reuseMode: false });
    assert.equal(config.trialCodeDirectory, path.join(dir, 'code'));
  });

  it('maps NNI v2 className of the SPOS tuner (as nnictl converted it) to Evolution with a notice', () => {
    const { config, notices } = validateConfig(
      { ...baseConfig(), tuner: { className: 'tuner.EvolutionWithFlops', codeDirectory: '.', classArgs: { flops_limit: 2e8 } } }, dir, FAKE_OPTIONS,
    );
    assert.deepEqual(config.tuner, { name: 'Evolution', classArgs: { flopsLimit: 2e8, optimize_mode: 'maximize', populationSize: 50 } });
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /EvolutionWithFlops \(Python\) -> built-in Evolution with flopsLimit 200000000/);
  });

  it('reports a missing YAML file by its path', () => {
    const missing = path.join(dir, 'nope.yml');
    assert.throws(() => loadConfigFile(missing, FAKE_OPTIONS), (e: Error) => e.message.includes(`config file ${missing} does not exist`));
  });
});
