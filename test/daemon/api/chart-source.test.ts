import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentService } from '../../../daemon/service/experiment-service';
import { openSqliteStore } from '../../../daemon/store/sqlite-store';
import { experimentDbPath } from '../../../daemon/store/experiment-files';
import { readChartColumns } from '../../../daemon/api/chart-source';
import { sampleConfig, sampleTrial } from '../store/store-contract';

describe('readChartColumns', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-charts-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the columns from the experiment database, the same as through the service', () => {
    const config = sampleConfig();
    const store = openSqliteStore(experimentDbPath(dir));
    store.createExperiment({ id: 'e', name: 'e', config, createdAt: 1 });
    store.createTrial(sampleTrial('a', { width: 16, op: { _value: 'conv3x3', _idx: 0 } }));
    store.createTrial(sampleTrial('b', { width: 64, op: { _value: 'conv5x5', _idx: 1 } }));
    store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 10 });
    store.addMetric('a', 'final', { default: 0.8, flops: 7 }, 11);
    store.transitionTrial('a', 'RUNNING', 'SUCCEEDED', { endedAt: 40 });
    store.flush();
    const service = {
      getExperiment: () => ({ dir, record: { config } }),
      listTrials: (_id: string, q: Parameters<ExperimentService['listTrials']>[1]) => store.listTrials(q),
    } as unknown as ExperimentService;
    const fromFile = readChartColumns(service, 'e', 10);
    assert.deepEqual(fromFile.id, ['a', 'b']);
    assert.deepEqual(fromFile.final, [0.8, null]);
    assert.deepEqual(fromFile.durationMs, [30, null]);
    assert.deepEqual(fromFile.costs, { flops: [7, null] });
    assert.deepEqual(fromFile.sample.index, [0]);
    assert.deepEqual(fromFile.sample.values, [['16'], ['conv3x3']]);
    store.close();
    // Without the file, the same columns come through the service.
    const reopened = openSqliteStore(experimentDbPath(dir), { readOnly: true });
    const viaService = readChartColumns({
      getExperiment: () => ({ dir: path.join(dir, 'elsewhere'), record: { config } }),
      listTrials: (_id: string, q: Parameters<ExperimentService['listTrials']>[1]) => reopened.listTrials(q),
    } as unknown as ExperimentService, 'e', 10);
    reopened.close();
    assert.deepEqual(viaService, fromFile);
  });

  it('with a cost model, prices every trial from the file the same as through the service', () => {
    const config = sampleConfig({ searchSpaceCost: { base: { flops: 100, params: 10 }, perChoice: { op: { conv3x3: { flops: 3, params: 1 }, conv5x5: { flops: 5, params: 2 } }, width: { 64: { flops: 40, params: 4 } } } } });
    const costDir = path.join(dir, 'cost');
    fs.mkdirSync(costDir);
    const store = openSqliteStore(experimentDbPath(costDir));
    store.createExperiment({ id: 'e', name: 'e', config, createdAt: 1 });
    store.createTrial(sampleTrial('a', { width: 16, op: { _value: 'conv3x3', _idx: 0 } }));
    store.createTrial(sampleTrial('b', { width: 64, op: { _value: 'conv5x5', _idx: 1 } }));
    store.addMetric('a', 'final', { default: 0.8, flops: 7 }, 11);
    store.flush();
    const service = (where: string) => ({
      getExperiment: () => ({ dir: where, record: { config } }),
      listTrials: (_id: string, q: Parameters<ExperimentService['listTrials']>[1]) => store.listTrials(q),
    } as unknown as ExperimentService);
    const fromFile = readChartColumns(service(costDir), 'e', 10);
    assert.deepEqual(fromFile.costs, { flops: [7, 145], params: [11, 16] });
    assert.deepEqual(fromFile.sample.values, [['16'], ['conv3x3']]);
    assert.deepEqual(readChartColumns(service(path.join(costDir, 'elsewhere')), 'e', 10), fromFile);
    store.close();
  });
});
