import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../daemon/errors';
import { loadConfigFile, validateConfig } from '../../../daemon/config/load-config';
import { baseConfig, FAKE_OPTIONS, makeTempDir } from './fixtures';

/** One invalid input: an object (patch of the base config, or a full object) or a YAML text. */
interface InvalidCase {
  name: string;
  /** Fields merged over baseConfig(); a value of `undefined` deletes the field. */
  patch?: Record<string, unknown>;
  /** A whole config object (not merged). */
  whole?: unknown;
  /** YAML text written to config.yml in the temp dir and loaded with loadConfigFile. */
  yaml?: string;
  /** Search space patched in as `searchSpace` (shorthand for search space cases). */
  space?: unknown;
  path: string;
  fragment: string | RegExp;
}

const SPACE_FILE_BAD = 'bad-space.json';
const SPACE_FILE_BAD_CONTENT = 'bad-content.json';

const cases: InvalidCase[] = [
  // --- keys and types
  { name: 'typo in a top-level key', patch: { trialConcurrency: undefined, trialConcurency: 2 }, path: '/trialConcurency', fragment: "unknown key 'trialConcurency'; did you mean 'trialConcurrency'?" },
  { name: 'unknown key without a near match lists valid keys', patch: { frobnicate: 1 }, path: '/frobnicate', fragment: 'valid keys: experimentName' },
  { name: 'trialConcurrency 0', patch: { trialConcurrency: 0 }, path: '/trialConcurrency', fragment: 'expected an integer > 0, found 0' },
  { name: 'trialConcurrency as a word', patch: { trialConcurrency: 'two' }, path: '/trialConcurrency', fragment: 'expected an integer, found "two" (string)' },
  { name: 'trialConcurrency fractional', patch: { trialConcurrency: 1.5 }, path: '/trialConcurrency', fragment: 'found 1.5 (number)' },
  { name: 'missing trialCommand', patch: { trialCommand: undefined }, path: '/trialCommand', fragment: "missing required key 'trialCommand' (Command that runs one trial" },
  { name: 'empty trialCommand', patch: { trialCommand: '' }, path: '/trialCommand', fragment: 'expected a non-empty string, found ""' },
  { name: 'negative trialGpuNumber', patch: { trialGpuNumber: -1 }, path: '/trialGpuNumber', fragment: 'expected an integer >= 0, found -1' },
  { name: 'maxTrialNumber 0', patch: { maxTrialNumber: 0 }, path: '/maxTrialNumber', fragment: 'expected an integer > 0' },
  { name: 'negative maxRetries', patch: { maxRetries: -2 }, path: '/maxRetries', fragment: '>= 0, found -2' },
  { name: 'seed not an integer', patch: { seed: 0.5 }, path: '/seed', fragment: 'expected an integer' },
  { name: 'logLevel unknown', patch: { logLevel: 'verbose' }, path: '/logLevel', fragment: "expected one of 'trace', 'debug', 'info', 'warning', 'error', 'fatal'; found \"verbose\"" },
  { name: 'logLevel typo suggests', patch: { logLevel: 'infoo' }, path: '/logLevel', fragment: "did you mean 'info'?" },
  { name: 'experimentName not a string', patch: { experimentName: 42 }, path: '/experimentName', fragment: 'expected a string, found 42' },
  { name: 'config not a mapping', whole: ['a', 'b'], path: '', fragment: 'expected the config to be a mapping' },
  // --- durations
  { name: 'duration in words', patch: { maxExperimentDuration: '10 minutes' }, path: '/maxExperimentDuration', fragment: 'expected a duration such as "30s", "10m", "2h", "7d"' },
  { name: 'duration with unknown unit', patch: { maxExperimentDuration: '1w' }, path: '/maxExperimentDuration', fragment: 'found "1w"' },
  { name: 'negative duration number', patch: { maxTrialDuration: -5 }, path: '/maxTrialDuration', fragment: 'found -5' },
  { name: 'zero duration', patch: { maxTrialDuration: '0s' }, path: '/maxTrialDuration', fragment: 'expected a duration > 0; found "0s"' },
  // --- search space presence
  { name: 'both searchSpace and searchSpaceFile', patch: { searchSpaceFile: 'space.json' }, path: '/searchSpace', fragment: "both 'searchSpaceFile' and 'searchSpace'" },
  { name: 'neither searchSpace nor searchSpaceFile', patch: { searchSpace: undefined }, path: '/searchSpaceFile', fragment: 'no search space' },
  { name: 'searchSpaceFile missing', patch: { searchSpace: undefined, searchSpaceFile: 'nope.json' }, path: '/searchSpaceFile', fragment: /search space file \S*nope\.json does not exist/ },
  { name: 'searchSpaceFile invalid JSON', patch: { searchSpace: undefined, searchSpaceFile: SPACE_FILE_BAD }, path: '/searchSpaceFile', fragment: /bad-space\.json is not valid JSON/ },
  { name: 'searchSpaceFile content invalid', patch: { searchSpace: undefined, searchSpaceFile: SPACE_FILE_BAD_CONTENT }, path: '/searchSpace/LayerChoice3/_value', fragment: /expected a non-empty list of distinct candidate names; found \[\] \(in search space file \S*bad-content\.json\)/ },
  { name: 'useAnnotation true', patch: { useAnnotation: true }, path: '/useAnnotation', fragment: 'annotation-based search spaces are not supported' },
  { name: 'trialCodeDirectory missing', patch: { trialCodeDirectory: 'no-such-dir' }, path: '/trialCodeDirectory', fragment: /no-such-dir does not exist/ },
  // --- training service
  { name: 'unsupported platform', patch: { trainingService: { platform: 'remote' } }, path: '/trainingService/platform', fragment: 'unsupported platform "remote"; expected one of \'local\', \'slurm\'' },
  { name: 'platform typo', patch: { trainingService: { platform: 'locl' } }, path: '/trainingService/platform', fragment: "did you mean 'local'?" },
  { name: 'platform missing', patch: { trainingService: { gpuIndices: [0] } }, path: '/trainingService/platform', fragment: "missing required key 'platform'" },
  { name: 'trainingService not a mapping', patch: { trainingService: 'local' }, path: '/trainingService', fragment: 'expected a mapping (key: value), found "local"' },
  { name: 'slurm field on local', patch: { trainingService: { platform: 'local', partition: 'gpu' } }, path: '/trainingService/partition', fragment: "'partition' is a setting of platform 'slurm' only" },
  { name: 'local field on slurm', patch: { trainingService: { platform: 'slurm', maxTrialNumberPerGpu: 2 } }, path: '/trainingService/maxTrialNumberPerGpu', fragment: "is a setting of platform 'local' only" },
  { name: 'typo in a local field', patch: { trainingService: { platform: 'local', gpuIndice: [0] } }, path: '/trainingService/gpuIndice', fragment: "did you mean 'gpuIndices'?" },
  { name: 'negative GPU index in a list', patch: { trainingService: { platform: 'local', gpuIndices: [0, -1] } }, path: '/trainingService/gpuIndices/1', fragment: 'expected an integer >= 0, found -1' },
  { name: 'non-integer GPU index in a list', patch: { trainingService: { platform: 'local', gpuIndices: [0, 'x'] } }, path: '/trainingService/gpuIndices/1', fragment: 'expected an integer, found "x"' },
  { name: 'bad gpuIndices string', patch: { trainingService: { platform: 'local', gpuIndices: '0,a' } }, path: '/trainingService/gpuIndices', fragment: 'expected a list of GPU indices (integers >= 0), a comma-separated string such as "0,1", or one integer; found "0,a"' },
  { name: 'empty gpuIndices list', patch: { trainingService: { platform: 'local', gpuIndices: [] } }, path: '/trainingService/gpuIndices', fragment: 'expected a list of GPU indices' },
  { name: 'duplicate GPU index', patch: { trainingService: { platform: 'local', gpuIndices: '1,1' } }, path: '/trainingService/gpuIndices', fragment: 'GPU 1 is listed twice' },
  { name: 'maxTrialNumberPerGpu 0', patch: { trainingService: { platform: 'local', maxTrialNumberPerGpu: 0 } }, path: '/trainingService/maxTrialNumberPerGpu', fragment: 'expected an integer > 0' },
  { name: 'useActiveGpu as a word', patch: { trainingService: { platform: 'local', useActiveGpu: 'yes' } }, path: '/trainingService/useActiveGpu', fragment: 'expected true or false, found "yes"' },
  { name: 'env value not a string', patch: { trainingService: { platform: 'local', env: { CUDA_HOME: 11 } } }, path: '/trainingService/env/CUDA_HOME', fragment: 'expected a string, found 11' },
  { name: 'slurm time in words', patch: { trainingService: { platform: 'slurm', time: '1 hour' } }, path: '/trainingService/time', fragment: 'expected a Slurm time limit: minutes, "H:MM:SS"' },
  { name: 'slurm memPerTrial bad unit', patch: { trainingService: { platform: 'slurm', memPerTrial: '16GB' } }, path: '/trainingService/memPerTrial', fragment: 'found "16GB"' },
  { name: 'slurm gpusPerTrial negative', patch: { trainingService: { platform: 'slurm', gpusPerTrial: -1 } }, path: '/trainingService/gpusPerTrial', fragment: '>= 0' },
  { name: 'slurm sbatchArgs as a string', patch: { trainingService: { platform: 'slurm', sbatchArgs: '--exclusive' } }, path: '/trainingService/sbatchArgs', fragment: 'expected a list' },
  { name: 'hybrid training service list', patch: { trainingService: [{ platform: 'local' }, { platform: 'slurm' }] }, path: '/trainingService/1', fragment: 'hybrid training services' },
  { name: 'empty training service list', patch: { trainingService: [] }, path: '/trainingService', fragment: 'list is empty' },
  // --- tuner and assessor
  { name: 'tuner name typo', patch: { tuner: { name: 'Evolutoin' } }, path: '/tuner/name', fragment: "unknown tuner 'Evolutoin'; did you mean 'Evolution'? (valid tuners: Random, Evolution)" },
  { name: 'tuner name unknown', patch: { tuner: { name: 'TPE' } }, path: '/tuner/name', fragment: 'valid tuners: Random, Evolution' },
  { name: 'tuner without name', patch: { tuner: { classArgs: {} } }, path: '/tuner/name', fragment: "missing required key 'name'" },
  { name: 'tuner key typo', patch: { tuner: { name: 'Random', classargs: {} } }, path: '/tuner/classargs', fragment: "did you mean 'classArgs'?" },
  { name: 'missing tuner', patch: { tuner: undefined }, path: '/tuner', fragment: "missing required key 'tuner'" },
  { name: 'classArgs wrong type', patch: { tuner: { name: 'evolution', classArgs: { populationSize: 'big' } } }, path: '/tuner/classArgs/populationSize', fragment: 'expected an integer, found "big" (string) (classArgs of tuner Evolution)' },
  { name: 'classArgs out of range', patch: { tuner: { name: 'Evolution', classArgs: { populationSize: 1 } } }, path: '/tuner/classArgs/populationSize', fragment: 'expected an integer >= 2, found 1' },
  { name: 'classArgs unknown key', patch: { tuner: { name: 'Evolution', classArgs: { populatonSize: 10 } } }, path: '/tuner/classArgs/populatonSize', fragment: "did you mean 'populationSize'?" },
  { name: 'classArgs bad enum', patch: { tuner: { name: 'Random', classArgs: { optimize_mode: 'max' } } }, path: '/tuner/classArgs/optimize_mode', fragment: "expected one of 'maximize', 'minimize'" },
  { name: 'v2 custom Python tuner className', patch: { tuner: { className: 'my_tuner.MyTuner', codeDirectory: '.' } }, path: '/tuner/className', fragment: 'custom Python tuners are not supported (found className "my_tuner.MyTuner")' },
  { name: 'assessor when none exist', patch: { assessor: { name: 'Medianstop' } }, path: '/assessor/name', fragment: 'no assessors are available' },
  // --- search spaces (inline)
  { name: 'search space not a mapping', space: ['a'], path: '/searchSpace', fragment: 'expected a mapping (key: value)' },
  { name: 'empty search space', space: {}, path: '/searchSpace', fragment: 'the search space is empty' },
  { name: 'reserved key', space: { _lr: { _type: 'choice', _value: [1] } }, path: '/searchSpace/_lr', fragment: "keys starting with '_' are reserved" },
  { name: '_type typo', space: { a: { _type: 'chioce', _value: [1] } }, path: '/searchSpace/a/_type', fragment: "unsupported _type \"chioce\"; expected one of 'choice'" },
  { name: '_type missing', space: { a: { _value: [1] } }, path: '/searchSpace/a/_type', fragment: "missing required key '_type' (one of 'choice'" },
  { name: '_value missing', space: { a: { _type: 'choice' } }, path: '/searchSpace/a/_value', fragment: "missing required key '_value'" },
  { name: 'extra key in a parameter', space: { a: { _type: 'choice', _value: [1], _default: 1 } }, path: '/searchSpace/a/_default', fragment: "unknown key '_default'" },
  { name: 'choice empty', space: { a: { _type: 'choice', _value: [] } }, path: '/searchSpace/a/_value', fragment: 'expected a non-empty list of values' },
  { name: 'choice of objects', space: { a: { _type: 'choice', _value: [{ x: 1 }] } }, path: '/searchSpace/a/_value/0', fragment: 'found {"x":1} (object)' },
  { name: 'layer_choice empty', space: { LayerChoice3: { _type: 'layer_choice', _value: [] } }, path: '/searchSpace/LayerChoice3/_value', fragment: 'non-empty list of distinct candidate names' },
  { name: 'layer_choice duplicate names', space: { a: { _type: 'layer_choice', _value: ['x', 'x'] } }, path: '/searchSpace/a/_value', fragment: 'items must be distinct' },
  { name: 'layer_choice numbers', space: { a: { _type: 'layer_choice', _value: [1, 2] } }, path: '/searchSpace/a/_value/0', fragment: 'expected a string, found 1' },
  { name: 'input_choice n_chosen too large', space: { a: { _type: 'input_choice', _value: { candidates: ['x'], n_chosen: 2 } } }, path: '/searchSpace/a/_value/n_chosen', fragment: 'at most the number of candidates (1); found 2' },
  { name: 'input_choice without candidates', space: { a: { _type: 'input_choice', _value: { n_chosen: 1 } } }, path: '/searchSpace/a/_value/candidates', fragment: "missing required key 'candidates'" },
  { name: 'randint low == high', space: { a: { _type: 'randint', _value: [3, 3] } }, path: '/searchSpace/a/_value', fragment: 'low < high; found [3,3]' },
  { name: 'randint fractional bound', space: { a: { _type: 'randint', _value: [1.5, 3] } }, path: '/searchSpace/a/_value/0', fragment: 'expected an integer, found 1.5' },
  { name: 'uniform one bound', space: { a: { _type: 'uniform', _value: [1] } }, path: '/searchSpace/a/_value', fragment: 'expected [low, high] with numbers low < high; found [1]' },
  { name: 'uniform reversed', space: { a: { _type: 'uniform', _value: [2, 1] } }, path: '/searchSpace/a/_value', fragment: 'uniform needs [low, high] with low < high' },
  { name: 'loguniform low 0', space: { a: { _type: 'loguniform', _value: [0, 1] } }, path: '/searchSpace/a/_value', fragment: 'loguniform needs low > 0' },
  { name: 'quniform q 0', space: { a: { _type: 'quniform', _value: [0, 1, 0] } }, path: '/searchSpace/a/_value', fragment: 'quniform needs q > 0' },
  { name: 'qloguniform reversed', space: { a: { _type: 'qloguniform', _value: [1, 0.5, 0.1] } }, path: '/searchSpace/a/_value', fragment: 'low < high' },
  { name: 'normal sigma 0', space: { a: { _type: 'normal', _value: [0, 0] } }, path: '/searchSpace/a/_value', fragment: 'normal needs [mu, sigma] with sigma > 0' },
  { name: 'lognormal sigma as text', space: { a: { _type: 'lognormal', _value: [0, 'one'] } }, path: '/searchSpace/a/_value/1', fragment: 'expected a number, found "one"' },
  { name: 'qnormal negative q', space: { a: { _type: 'qnormal', _value: [0, 1, -1] } }, path: '/searchSpace/a/_value', fragment: 'qnormal needs q > 0' },
  { name: 'qlognormal two items', space: { a: { _type: 'qlognormal', _value: [0, 1] } }, path: '/searchSpace/a/_value', fragment: 'expected [mu, sigma, q] with sigma > 0 and q > 0; found [0,1]' },
  { name: '_cost malformed', space: { a: { _type: 'choice', _value: [1] }, _cost: { base: { flops: 1 }, perChoice: {} } }, path: '/searchSpace/_cost/base/params', fragment: "missing required key 'params'" },
  { name: '_cost names an unknown key', space: { a: { _type: 'choice', _value: [1] }, _cost: { base: { flops: 1, params: 1 }, perChoice: { b: {} } } }, path: '/searchSpace/_cost/perChoice/b', fragment: "names 'b', which is not a parameter" },
  // --- YAML files
  { name: 'YAML syntax error', yaml: 'trialCommand: x\ntrialConcurrency: [1\n', path: '', fragment: /config\.yml:\d+:\d+: YAML syntax error/ },
  { name: 'YAML duplicate key', yaml: 'trialCommand: x\ntrialCommand: y\n', path: '', fragment: /config\.yml:2:1: YAML syntax error: Map keys must be unique/ },
  { name: 'YAML not a mapping', yaml: 'just a sentence\n', path: '', fragment: 'found "just a sentence"' },
  { name: 'YAML typo with line number', yaml: 'searchSpace: {a: {_type: choice, _value: [1]}}\ntrialCommand: x\ntuner: {name: Random}\ntrainingService: {platform: local}\ntrialConcurency: 2\n', path: '/trialConcurency', fragment: /did you mean 'trialConcurrency'\? \(\S*config\.yml:5:18\)/ },
  { name: 'YAML gpuIndices bad item with line', yaml: 'searchSpace: {a: {_type: choice, _value: [1]}}\ntrialCommand: x\ntrialConcurrency: 1\ntuner: {name: Random}\ntrainingService:\n  platform: local\n  gpuIndices: [0, -3]\n', path: '/trainingService/gpuIndices/1', fragment: /found -3 \(\S*config\.yml:7:19\)/ },
  // --- v1
  { name: 'v1 multiPhase', whole: { authorName: 'x', multiPhase: true }, path: '/multiPhase', fragment: 'multiPhase experiments are not supported' },
  { name: 'v1 custom Python tuner', whole: { trainingServicePlatform: 'local', tuner: { codeDir: '.', classFileName: 't.py', className: 'MyTuner' } }, path: '/tuner/className', fragment: 'custom Python tuners are not supported (found className "MyTuner"); use a built-in tuner: Random, Evolution' },
  { name: 'v1 unsupported platform', whole: { trainingServicePlatform: 'pai', trial: { command: 'x' } }, path: '/trainingServicePlatform', fragment: 'unsupported platform "pai"' },
  { name: 'v1 bad duration reported at the v1 key', whole: { trainingServicePlatform: 'local', maxExecDuration: '7 days', trialConcurrency: 1, searchSpace: { a: { _type: 'choice', _value: [1] } }, trial: { command: 'x' }, tuner: { builtinTunerName: 'Random' } }, path: '/maxExecDuration', fragment: '(v1 key /maxExecDuration, converted to /maxExperimentDuration)' },
  { name: 'v1 bad gpuNum reported at the v1 key', whole: { trainingServicePlatform: 'local', trialConcurrency: 1, searchSpace: { a: { _type: 'choice', _value: [1] } }, trial: { command: 'x', gpuNum: -1 }, tuner: { builtinTunerName: 'Random' } }, path: '/trial/gpuNum', fragment: 'expected an integer >= 0, found -1' },
];

describe('invalid configs and search spaces', () => {
  let dir = '';
  let cleanup = (): void => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir());
    fs.writeFileSync(path.join(dir, SPACE_FILE_BAD), '{"a": {"_type": "choice", ');
    fs.writeFileSync(path.join(dir, SPACE_FILE_BAD_CONTENT), JSON.stringify({ LayerChoice3: { _type: 'layer_choice', _value: [] } }));
  });
  after(() => cleanup());

  it('has at least 45 cases', () => {
    assert.ok(cases.length >= 45, `only ${cases.length} cases`);
  });

  for (const c of cases) {
    it(c.name, () => {
      const run = (): unknown => {
        if (c.yaml !== undefined) {
          const file = path.join(dir, 'config.yml');
          fs.writeFileSync(file, c.yaml);
          return loadConfigFile(file, FAKE_OPTIONS);
        }
        let config: unknown = c.whole;
        if (config === undefined) {
          const merged: Record<string, unknown> = { ...baseConfig(), ...(c.patch ?? {}) };
          if (c.space !== undefined) merged.searchSpace = c.space;
          for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
          config = merged;
        }
        return validateConfig(config, dir, FAKE_OPTIONS);
      };
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        assert.equal(error.path, c.path, `wrong path; message: ${error.message}`);
        if (typeof c.fragment === 'string') assert.ok(error.message.includes(c.fragment), `message lacks ${JSON.stringify(c.fragment)}: ${error.message}`);
        else assert.match(error.message, c.fragment);
        return true;
      });
    });
  }
});
