import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentConfig } from '../../../daemon/config/experiment-config';
import type { TrialRecord } from '../../../daemon/store/types';
import { chartColumns } from '../../../daemon/api/chart-columns';

const trial = (sequence: number, extra: Partial<TrialRecord>): TrialRecord => ({
  id: `t${sequence}`, sequence, parameters: {}, source: 'tuner', attempt: 0, status: 'SUCCEEDED', createdAt: 0, intermediateCount: 0, trialDir: '/x', ...extra,
} as TrialRecord);

const config = (mode: string, cost?: ExperimentConfig['searchSpaceCost']): ExperimentConfig => ({
  searchSpace: { op: { _type: 'layer_choice', _value: ['conv', 'skip'] }, lr: { _type: 'choice', _value: [0.1, 0.01] } }, trialCommand: 'x', trialCodeDirectory: '/x', trialConcurrency: 1, maxRetries: 0, logLevel: 'info',
  tuner: { name: 'random', classArgs: { optimize_mode: mode } }, trainingService: { platform: 'local' }, searchSpaceCost: cost,
} as unknown as ExperimentConfig);

const cols = (ts: TrialRecord[], c: ExperimentConfig, cap = 5000) => chartColumns(ts, c, cap, (i) => ts[i].parameters);

describe('chartColumns', () => {
  const trials = [
    trial(0, { finalMetric: 0.5, startedAt: 10, endedAt: 30, parameters: { op: { _value: 'conv', _idx: 0 } } }),
    trial(1, { status: 'RUNNING', startedAt: 40, parameters: { op: { _value: 'skip', _idx: 1 } } }),
    trial(2, { finalMetric: { default: 0.7, flops: 9 }, startedAt: 50, endedAt: 55, parameters: { op: { _value: 'skip', _idx: 1 } } }),
    trial(3, { finalMetric: 0.6, startedAt: 60, endedAt: 61, parameters: { op: { _value: 'conv', _idx: 0 } } }),
  ];

  it('gives one entry per trial: final metric, best so far in the optimize direction, duration', () => {
    const max = cols(trials, config('maximize'));
    assert.deepEqual(max.sequence, [0, 1, 2, 3]);
    assert.deepEqual(max.id, ['t0', 't1', 't2', 't3']);
    assert.deepEqual(max.final, [0.5, null, 0.7, 0.6]);
    assert.deepEqual(max.bestSoFar, [0.5, 0.5, 0.7, 0.7]);
    assert.deepEqual(max.durationMs, [20, null, 5, 1]);
    assert.equal(max.maximize, true);
    assert.deepEqual(max.costs, { flops: [null, null, 9, null] });
    assert.deepEqual(cols(trials, config('minimize')).bestSoFar, [0.5, 0.5, 0.5, 0.5]);
  });

  it('fills flops / params from the cost model where the metric has none', () => {
    const c = cols(trials, config('maximize', { base: { flops: 100, params: 10 }, perChoice: { op: { conv: { flops: 5, params: 1 }, skip: { flops: 0, params: 0 } } } }));
    assert.deepEqual(c.costs.flops, [105, 100, 9, 105]);
    assert.deepEqual(c.costs.params, [11, 10, 10, 11]);
  });

  it('samples at most `cap` finished trials, evenly, with their chosen values dictionary-coded', () => {
    const asked: number[] = [];
    const c = chartColumns(trials.map((t, i) => (i === 3 ? { ...t, parameters: { op: { _value: 'conv', _idx: 0 }, lr: 0.01 } } : t)), config('maximize'), 2, (i) => {
      asked.push(i);
      return i === 3 ? { op: { _value: 'conv', _idx: 0 }, lr: 0.01 } : trials[i].parameters;
    });
    assert.deepEqual(asked, [0, 3], 'parameters are read only for the sample (no cost model)');
    assert.equal(c.sample.total, 3);
    assert.deepEqual(c.sample.index, [0, 3]);
    assert.deepEqual(c.sample.keys, ['op', 'lr']);
    assert.deepEqual(c.sample.values, [['conv'], ['0.01']]);
    assert.deepEqual(c.sample.codes, [[0, 0], [-1, 0]]);
    assert.deepEqual(cols(trials, config('maximize'), 0).sample.index, []);
  });
});
