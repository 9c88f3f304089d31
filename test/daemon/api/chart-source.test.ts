import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentService } from '../../../daemon/service/experiment-service';
import type { ExperimentConfig } from '../../../daemon/config/experiment-config';
import type { ExperimentStore } from '../../../daemon/store/store';
import { openSqliteStore } from '../../../daemon/store/sqlite-store';
import { experimentDbPath } from '../../../daemon/store/experiment-files';
import { readChartColumns } from '../../../daemon/api/chart-source';
import { chartColumns } from '../../../daemon/api/chart-columns';
import { sampleConfig, sampleTrial } from '../store/store-contract';

/** A service whose charts read `store` (what the manager does), recording the calls. */
function serviceOver(store: ExperimentStore, config: ExperimentConfig, calls: string[]): ExperimentService {
  return {
    getExperiment: () => ({ record: { config } }),
    trialChartRows: (_id: string, withParameters: boolean) => {
      calls.push(`trialChartRows ${withParameters}`);
      return store.trialChartRows(withParameters);
    },
  } as unknown as ExperimentService;
}

/** The columns built from full records (the slow path the store's narrow query replaces). */
function fromRecords(store: ExperimentStore, config: ExperimentConfig, cap: number) {
  const trials = store.allTrials();
  return chartColumns(trials, config, cap, (i) => trials[i].parameters);
}

describe('readChartColumns', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-charts-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the columns through the service and the store, the same as from full records', () => {
    const config = sampleConfig();
    const store = openSqliteStore(experimentDbPath(dir));
    store.createExperiment({ id: 'e', name: 'e', config, createdAt: 1 });
    store.createTrial(sampleTrial('a', { width: 16, op: { _value: 'conv3x3', _idx: 0 } }));
    store.createTrial(sampleTrial('b', { width: 64, op: { _value: 'conv5x5', _idx: 1 } }));
    store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 10 });
    store.addMetric('a', 'final', { default: 0.8, flops: 7 }, 11);
    store.transitionTrial('a', 'RUNNING', 'SUCCEEDED', { endedAt: 40 });
    store.flush();
    const calls: string[] = [];
    const cols = readChartColumns(serviceOver(store, config, calls), 'e', 10);
    assert.deepEqual(calls, ['trialChartRows false']);
    assert.deepEqual(cols.id, ['a', 'b']);
    assert.deepEqual(cols.final, [0.8, null]);
    assert.deepEqual(cols.durationMs, [30, null]);
    assert.deepEqual(cols.costs, { flops: [7, null] });
    assert.deepEqual(cols.sample.index, [0]);
    assert.deepEqual(cols.sample.values, [['16'], ['conv3x3']]);
    assert.deepEqual(cols, fromRecords(store, config, 10));
    store.close();
    // A read-only store (an experiment only viewed) answers the same.
    const reopened = openSqliteStore(experimentDbPath(dir), { readOnly: true });
    assert.deepEqual(readChartColumns(serviceOver(reopened, config, []), 'e', 10), cols);
    reopened.close();
  });

  it('with a cost model, reads every trial\'s parameters in one scan and prices each trial', () => {
    const config = sampleConfig({ searchSpaceCost: { base: { flops: 100, params: 10 }, perChoice: { op: { conv3x3: { flops: 3, params: 1 }, conv5x5: { flops: 5, params: 2 } }, width: { 64: { flops: 40, params: 4 } } } } });
    const costDir = path.join(dir, 'cost');
    fs.mkdirSync(costDir);
    const store = openSqliteStore(experimentDbPath(costDir));
    store.createExperiment({ id: 'e', name: 'e', config, createdAt: 1 });
    store.createTrial(sampleTrial('a', { width: 16, op: { _value: 'conv3x3', _idx: 0 } }));
    store.createTrial(sampleTrial('b', { width: 64, op: { _value: 'conv5x5', _idx: 1 } }));
    store.addMetric('a', 'final', { default: 0.8, flops: 7 }, 11);
    store.flush();
    const calls: string[] = [];
    const cols = readChartColumns(serviceOver(store, config, calls), 'e', 10);
    assert.deepEqual(calls, ['trialChartRows true']);
    assert.deepEqual(cols.costs, { flops: [7, 145], params: [11, 16] });
    assert.deepEqual(cols.sample.values, [['16'], ['conv3x3']]);
    assert.deepEqual(cols, fromRecords(store, config, 10));
    store.close();
  });
});
