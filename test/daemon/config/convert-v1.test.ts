import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { convertV1Config, isV1Config, mapConvertedPath } from '../../../daemon/config/convert-v1';
import { ConfigError } from '../../../daemon/errors';

describe('convert-v1', () => {
  it('detects v1 configs by their keys', () => {
    assert.equal(isV1Config({ maxExecDuration: '1h' }), true);
    assert.equal(isV1Config({ trial: { command: 'x' } }), true);
    assert.equal(isV1Config({ tuner: { builtinTunerName: 'TPE' } }), true);
    assert.equal(isV1Config({ trialCommand: 'x', tuner: { name: 'TPE' } }), false);
    assert.equal(isV1Config(null), false);
    assert.equal(isV1Config(['maxExecDuration']), false);
  });

  it('converts per NNI to_v2 and records where each v2 key came from', () => {
    const { config, notice, pathMap } = convertV1Config({
      authorName: 'me', trainingServicePlatform: 'local', maxExecDuration: '1h', maxTrialNum: 10, logDir: '/tmp/x',
      searchSpacePath: 's.json', trial: { command: 'c', codeDir: '.', gpuNum: 0 }, multiPhase: false,
      tuner: { className: 'SPOSEvolution', classFileName: 't.py', codeDir: '.', classArgs: { flops_limit: 1e8, optimize_mode: 'maximize' } },
      assessor: { builtinAssessorName: 'Medianstop' },
    }, ['Random', 'Evolution']);
    assert.deepEqual(config, {
      maxExperimentDuration: '1h', maxTrialNumber: 10, experimentWorkingDirectory: '/tmp/x', searchSpaceFile: 's.json',
      trialCommand: 'c', trialCodeDirectory: '.', trialGpuNumber: 0,
      tuner: { name: 'Evolution', classArgs: { optimize_mode: 'maximize', flopsLimit: 1e8 } },
      assessor: { name: 'Medianstop' },
      trainingService: { platform: 'local' },
    });
    assert.match(notice, /^converted NNI v1 config to v2 \(.*; dropped authorName, multiPhase\)/);
    assert.equal(mapConvertedPath('/trialGpuNumber', pathMap), '/trial/gpuNum');
    assert.equal(mapConvertedPath('/tuner/classArgs/flopsLimit', pathMap), '/tuner/classArgs/flops_limit');
    assert.equal(mapConvertedPath('/assessor/name', pathMap), '/assessor/builtinAssessorName');
    assert.equal(mapConvertedPath('/trialConcurrency', pathMap), undefined);
  });

  it('rejects what cannot be converted, at the v1 key', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ trainingServicePlatform: 'local', advisor: { builtinAdvisorName: 'BOHB' } }, '/advisor'],
      [{ authorName: 'x' }, '/trainingServicePlatform'],
      [{ trainingServicePlatform: 'local', trial: 'python x.py' }, '/trial'],
      [{ trainingServicePlatform: 'local', trial: { command: 'x', image: 'y' } }, '/trial/image'],
      [{ trainingServicePlatform: 'local', localConfig: { gpus: 1 } }, '/localConfig/gpus'],
      [{ trainingServicePlatform: 'local', assessor: { className: 'My' } }, '/assessor/className'],
    ];
    for (const [raw, pointer] of cases) {
      assert.throws(() => convertV1Config(raw, ['Random']), (e: unknown) => e instanceof ConfigError && e.path === pointer, pointer);
    }
  });
});
