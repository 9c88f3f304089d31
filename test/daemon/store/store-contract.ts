import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestError, ConflictError, InvalidTransitionError, NotFoundError } from '../../../daemon/errors';
import type { ExperimentConfig } from '../../../daemon/config/experiment-config';
import type { ExperimentStore } from '../../../daemon/store/store';
import type { NewTrial, TrialRecord } from '../../../daemon/store/types';
import type { KeyedTrialQuery } from '../../../daemon/store/trial-query';
import type { TrialParameters } from '../../../trial-runtime/protocol/messages';

/** A small valid config for store tests. */
export function sampleConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    searchSpace: { width: { _type: 'choice', _value: [16, 32, 64] }, op: { _type: 'layer_choice', _value: ['conv3x3', 'conv5x5'] } },
    trialCommand: 'node trial.js',
    trialCodeDirectory: '/opt/code',
    trialConcurrency: 2,
    maxRetries: 0,
    tuner: { name: 'Random', classArgs: { seed: 1 } },
    trainingService: { platform: 'local', maxTrialNumberPerGpu: 1, reuseMode: false },
    logLevel: 'info',
    seed: 0,
    ...overrides,
  };
}

/** A NewTrial with an absolute trial directory outside any database folder. */
export function sampleTrial(id: string, parameters: TrialParameters = { width: 16 }, extra: Partial<NewTrial> = {}): NewTrial {
  return {
    id, parameters, source: 'tuner', attempt: 0, createdAt: 1000,
    trialDir: path.join(os.tmpdir(), 'nasctl-contract-trials', id), ...extra,
  };
}

/**
 * Registers the store contract: every ExperimentStore implementation must pass it. `make` is
 * called once per test and must return an empty store; `cleanup` runs after the store is closed.
 */
export function runStoreContract(name: string, make: () => { store: ExperimentStore; cleanup(): void }): void {
  const withStore = (fn: (store: ExperimentStore) => void) => () => {
    const { store, cleanup } = make();
    try {
      fn(store);
    } finally {
      store.close();
      cleanup();
    }
  };
  const withExperiment = (fn: (store: ExperimentStore) => void) => withStore((store) => {
    store.createExperiment({ id: 'exp1', name: 'contract', config: sampleConfig(), createdAt: 500 });
    fn(store);
  });

  describe(`${name}: ExperimentStore contract`, () => {
    describe('experiment', () => {
      it('creates and reads the experiment; a second create conflicts', withStore((store) => {
        assert.throws(() => store.getExperiment(), NotFoundError);
        const created = store.createExperiment({ id: 'exp1', name: 'first', config: sampleConfig(), createdAt: 500 });
        const expected = { id: 'exp1', name: 'first', status: 'RUNNING', config: sampleConfig(), configRevision: 1, createdAt: 500, activeMs: 0 };
        assert.deepEqual(created, expected);
        assert.deepEqual(store.getExperiment(), expected);
        assert.throws(() => store.createExperiment({ id: 'exp2', name: 'x', config: sampleConfig(), createdAt: 1 }), ConflictError);
        assert.equal(store.getExperiment().id, 'exp1');
      }));

      it('sets status, error and timestamps; error is replaced, endedAt cleared only when given', withExperiment((store) => {
        let e = store.setExperimentStatus('ERROR', { error: 'tuner crashed', startedAt: 600, endedAt: 900 });
        assert.equal(e.status, 'ERROR');
        assert.equal(e.error, 'tuner crashed');
        assert.equal(e.startedAt, 600);
        assert.equal(e.endedAt, 900);
        e = store.setExperimentStatus('STOPPED');
        assert.equal(e.status, 'STOPPED');
        assert.equal('error' in e, false);
        assert.equal(e.endedAt, 900);
        assert.equal(e.startedAt, 600);
        e = store.setExperimentStatus('RUNNING', { startedAt: 1000, endedAt: undefined });
        assert.equal('endedAt' in e, false);
        assert.equal(e.startedAt, 1000);
        assert.deepEqual(store.getExperiment(), e);
      }));

      it('accumulates active time and rejects negative amounts', withExperiment((store) => {
        store.addActiveMs(1500);
        store.addActiveMs(250);
        assert.equal(store.getExperiment().activeMs, 1750);
        assert.throws(() => store.addActiveMs(-1), BadRequestError);
      }));

      it('stores a config revision only when the config changes', withExperiment((store) => {
        const reordered = JSON.parse(JSON.stringify(sampleConfig())) as ExperimentConfig;
        const { seed, ...rest } = reordered;
        assert.equal(store.updateConfig({ seed, ...rest }, 700), 1);
        assert.equal(store.updateConfig(sampleConfig({ trialConcurrency: 4 }), 800), 2);
        assert.equal(store.updateConfig(sampleConfig({ trialConcurrency: 4 }), 900), 2);
        const revs = store.configRevisions();
        assert.deepEqual(revs.map((r) => [r.revision, r.at, r.config.trialConcurrency]), [[1, 500, 2], [2, 800, 4]]);
        const e = store.getExperiment();
        assert.equal(e.configRevision, 2);
        assert.equal(e.config.trialConcurrency, 4);
      }));
    });

    describe('trials', () => {
      it('creates trials with consecutive sequence numbers; duplicate ids conflict', withExperiment((store) => {
        const a = store.createTrial(sampleTrial('a', { width: 16, op: { _value: 'conv3x3', _idx: 0 } }));
        const b = store.createTrial(sampleTrial('b', { width: 32 }, { source: 'retry', retryOf: 'a', attempt: 1, createdAt: 1100 }));
        assert.deepEqual(a, {
          id: 'a', sequence: 0, parameters: { width: 16, op: { _value: 'conv3x3', _idx: 0 } }, source: 'tuner', attempt: 0,
          status: 'WAITING', createdAt: 1000, intermediateCount: 0, trialDir: sampleTrial('a').trialDir,
        });
        assert.equal(b.sequence, 1);
        assert.equal(b.retryOf, 'a');
        assert.equal(b.attempt, 1);
        assert.throws(() => store.createTrial(sampleTrial('a')), ConflictError);
        assert.equal(store.createTrial(sampleTrial('c')).sequence, 2);
        assert.deepEqual(store.getTrial('a'), a);
        assert.equal(store.getTrial('nope'), undefined);
      }));

      it('compare-and-set: moves a trial and returns null when it lost the race', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        const running = store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 2000, gpuIndices: [0, 1] });
        assert.ok(running);
        assert.equal(running.status, 'RUNNING');
        assert.equal(running.startedAt, 2000);
        assert.deepEqual(running.gpuIndices, [0, 1]);
        assert.equal(store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 9999 }), null);
        assert.equal(store.getTrial('a')?.startedAt, 2000);
        const done = store.transitionTrial('a', 'RUNNING', 'SUCCEEDED', { endedAt: 3000, exitCode: 0 });
        assert.ok(done);
        assert.deepEqual([done.status, done.startedAt, done.endedAt, done.exitCode], ['SUCCEEDED', 2000, 3000, 0]);
        assert.equal(store.transitionTrial('a', 'RUNNING', 'FAILED', { endedAt: 4000 }), null);
        assert.deepEqual(store.getTrial('a'), done);
      }));

      it('never changes finished trials and rejects transitions outside the state machine', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        store.transitionTrial('a', 'WAITING', 'USER_CANCELED', { reason: 'user' });
        for (const to of ['RUNNING', 'FAILED', 'WAITING', 'SUCCEEDED'] as const) {
          assert.throws(() => store.transitionTrial('a', 'USER_CANCELED', to), InvalidTransitionError);
        }
        store.createTrial(sampleTrial('b'));
        assert.throws(() => store.transitionTrial('b', 'WAITING', 'SUCCEEDED'), InvalidTransitionError);
        assert.throws(() => store.transitionTrial('b', 'RUNNING', 'WAITING'), InvalidTransitionError);
        assert.throws(() => store.transitionTrial('ghost', 'WAITING', 'RUNNING'), NotFoundError);
        assert.equal(store.getTrial('a')?.status, 'USER_CANCELED');
        assert.equal(store.getTrial('b')?.status, 'WAITING');
      }));

      it('appends one event per transition, in order, and none for a lost race', withExperiment((store) => {
        store.createTrial(sampleTrial('a', { width: 16 }, { createdAt: 100 }));
        store.createTrial(sampleTrial('b', { width: 32 }, { createdAt: 110 }));
        store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 200 });
        store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 201 });
        store.transitionTrial('b', 'WAITING', 'SYS_CANCELED', { reason: 'experiment stopped' });
        store.transitionTrial('a', 'RUNNING', 'FAILED', { endedAt: 300, exitCode: 1, reason: 'exit code 1: boom' });
        const all = store.trialEvents();
        assert.deepEqual(all.map((e) => [e.trialId, e.from, e.to]), [
          ['a', undefined, 'WAITING'], ['b', undefined, 'WAITING'], ['a', 'WAITING', 'RUNNING'],
          ['b', 'WAITING', 'SYS_CANCELED'], ['a', 'RUNNING', 'FAILED'],
        ]);
        for (let i = 1; i < all.length; i++) assert.ok(all[i]!.seq > all[i - 1]!.seq);
        const a = store.trialEvents('a');
        assert.deepEqual(a.map((e) => ({ at: e.at, reason: e.reason })), [
          { at: 100, reason: undefined }, { at: 200, reason: undefined }, { at: 300, reason: 'exit code 1: boom' },
        ]);
        assert.equal('from' in a[0]!, false);
        assert.equal(store.getTrial('a')?.reason, 'exit code 1: boom');
        assert.equal(store.getTrial('b')?.reason, 'experiment stopped');
      }));

      it('keeps a wait reason only while WAITING', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        store.setWaitReason('a', 'no free GPU');
        assert.equal(store.getTrial('a')?.waitReason, 'no free GPU');
        store.setWaitReason('a', undefined);
        assert.equal('waitReason' in store.getTrial('a')!, false);
        store.setWaitReason('a', 'concurrency limit');
        store.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 1 });
        assert.equal('waitReason' in store.getTrial('a')!, false);
        store.setWaitReason('a', 'late');
        assert.equal('waitReason' in store.getTrial('a')!, false);
        assert.throws(() => store.setWaitReason('ghost', 'x'), NotFoundError);
      }));

      it('returns copies: changing a returned record changes nothing stored', withExperiment((store) => {
        const t = store.createTrial(sampleTrial('a'));
        t.parameters['width'] = 999;
        t.status = 'FAILED';
        const got = store.getTrial('a')!;
        assert.equal(got.parameters['width'], 16);
        assert.equal(got.status, 'WAITING');
      }));
    });

    describe('metrics', () => {
      it('records intermediate numbers and dict metrics with per-trial sequence numbers', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        store.createTrial(sampleTrial('b'));
        assert.deepEqual(store.addMetric('a', 'intermediate', 0.5, 10), { trialId: 'a', seq: 0, kind: 'intermediate', value: 0.5, at: 10 });
        assert.equal(store.addMetric('b', 'intermediate', 0.1, 11).seq, 0);
        assert.equal(store.addMetric('a', 'intermediate', 0.6, 12).seq, 1);
        const fin = store.addMetric('a', 'final', { default: 0.7, flops: 1.5e8 }, 13);
        assert.deepEqual(fin, { trialId: 'a', seq: 2, kind: 'final', value: { default: 0.7, flops: 1.5e8 }, at: 13 });
        const a = store.getTrial('a')!;
        assert.equal(a.intermediateCount, 2);
        assert.deepEqual(a.finalMetric, { default: 0.7, flops: 1.5e8 });
        assert.deepEqual(store.metrics('a').map((m) => [m.seq, m.kind, m.value]), [
          [0, 'intermediate', 0.5], [1, 'intermediate', 0.6], [2, 'final', { default: 0.7, flops: 1.5e8 }],
        ]);
        assert.deepEqual(store.metrics('nobody'), []);
      }));

      it('a second final metric replaces the first and is recorded too', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        store.addMetric('a', 'final', 0.7, 1);
        store.addMetric('a', 'final', 0.2, 2);
        assert.equal(store.getTrial('a')?.finalMetric, 0.2);
        assert.deepEqual(store.metrics('a').map((m) => m.value), [0.7, 0.2]);
        assert.deepEqual(store.listTrials({ metricMin: 0.5 }).total, 0);
      }));

      it('lists the latest metric of every trial in sequence order', withExperiment((store) => {
        for (const id of ['a', 'b', 'c']) store.createTrial(sampleTrial(id));
        store.addMetric('b', 'intermediate', 1, 1);
        store.addMetric('a', 'intermediate', 2, 2);
        store.addMetric('b', 'final', { default: 3, params: 10 }, 3);
        assert.deepEqual(store.latestMetrics().map((m) => [m.trialId, m.seq, m.value]), [
          ['a', 0, 2], ['b', 1, { default: 3, params: 10 }],
        ]);
      }));

      it('rejects metrics for unknown trials and non-finite values', withExperiment((store) => {
        store.createTrial(sampleTrial('a'));
        assert.throws(() => store.addMetric('ghost', 'final', 1, 1), NotFoundError);
        assert.throws(() => store.addMetric('a', 'final', Number.NaN, 1), BadRequestError);
        assert.throws(() => store.addMetric('a', 'final', { default: 1, flops: Infinity }, 1), BadRequestError);
        assert.deepEqual(store.metrics('a'), []);
        assert.equal(store.getTrial('a')?.finalMetric, undefined);
      }));
    });

    describe('listing', () => {
      /** 6 trials: statuses, metrics and durations chosen so every sort has a known order. */
      const seed = (store: ExperimentStore): void => {
        const specs: Array<[string, TrialParameters, string, number | undefined, [number, number] | undefined]> = [
          ['t0', { width: 16, op: 'Conv3x3' }, 'SUCCEEDED', 0.9, [100, 150]],
          ['t1', { width: 32, op: 'conv5x5' }, 'FAILED', undefined, [100, 400]],
          ['t2', { width: 64, op: 'conv3x3' }, 'SUCCEEDED', 0.5, [200, 210]],
          ['t3', { width: 16, op: 'skip' }, 'RUNNING', undefined, undefined],
          ['T4', { width: 32, op: 'skip' }, 'WAITING', undefined, undefined],
          ['t5', { width: 64, op: 'conv5x5' }, 'EARLY_STOPPED', 0.7, [300, 330]],
        ];
        for (const [id, params, status, metric, times] of specs) {
          store.createTrial(sampleTrial(id, params));
          if (status === 'WAITING') continue;
          store.transitionTrial(id, 'WAITING', 'RUNNING', { startedAt: times?.[0] ?? 50 });
          if (metric !== undefined) store.addMetric(id, 'final', metric === 0.9 ? { default: metric, flops: 3 } : metric, 1);
          if (status !== 'RUNNING') store.transitionTrial(id, 'RUNNING', status as TrialRecord['status'], { endedAt: times![1] });
        }
      };
      const ids = (items: TrialRecord[]): string[] => items.map((t) => t.id);

      it('defaults to sequence order, everything, with total', withExperiment((store) => {
        seed(store);
        const page = store.listTrials();
        assert.deepEqual(ids(page.items), ['t0', 't1', 't2', 't3', 'T4', 't5']);
        assert.equal(page.total, 6);
        assert.deepEqual(ids(store.allTrials()), ['t0', 't1', 't2', 't3', 'T4', 't5']);
      }));

      it('filters by status list, metric range and search', withExperiment((store) => {
        seed(store);
        assert.deepEqual(ids(store.listTrials({ status: ['SUCCEEDED', 'WAITING'] }).items), ['t0', 't2', 'T4']);
        assert.deepEqual(store.listTrials({ status: [] }), { items: [], total: 0 });
        assert.deepEqual(ids(store.listTrials({ metricMin: 0.6 }).items), ['t0', 't5']);
        assert.deepEqual(ids(store.listTrials({ metricMin: 0.5, metricMax: 0.7 }).items), ['t2', 't5']);
        assert.deepEqual(ids(store.listTrials({ search: 'CONV3' }).items), ['t0', 't2']);
        assert.deepEqual(ids(store.listTrials({ search: 't4' }).items), ['T4']);
        assert.deepEqual(ids(store.listTrials({ search: 'skip', status: ['RUNNING'] }).items), ['t3']);
        assert.deepEqual(ids(store.listTrials({ search: '64' }).items), ['t2', 't5']);
        assert.deepEqual(ids(store.listTrials({ search: 'width' }).items), [], 'keys are not searched, only ids and values');
      }));

      it('searches parameter values the same way in every store (choices, numbers, booleans, arrays)', withExperiment((store) => {
        store.createTrial(sampleTrial('a', { op: { _value: 'Sep_Conv3x3', _idx: 2 }, lr: 0.00001, big: 1e21, flag: true, arr: [1, 'x'], none: null }));
        store.createTrial(sampleTrial('b', { op: { _value: 5, _idx: 0 }, lr: 0.5, flag: false, name: 'He said "hi"' }));
        const found = (search: string) => ids(store.listTrials({ search }).items);
        assert.deepEqual(found('sep_conv3'), ['a']);
        assert.deepEqual(found('_idx'), []);
        assert.deepEqual(found('0.00001'), ['a']);
        assert.deepEqual(found('1e+21'), ['a']);
        assert.deepEqual(found('true'), ['a']);
        assert.deepEqual(found('[1,"x"]'), ['a']);
        assert.deepEqual(found('null'), ['a']);
        assert.deepEqual(found('0.5'), ['b']);
        assert.deepEqual(found('5'), ['b']);
        assert.deepEqual(found('said "hi'), ['b']);
      }));

      it('sorts by every key with missing values last in both orders', withExperiment((store) => {
        seed(store);
        const sorted = (q: Parameters<ExperimentStore['listTrials']>[0]) => ids(store.listTrials(q).items);
        assert.deepEqual(sorted({ sort: 'finalMetric', order: 'desc' }), ['t0', 't5', 't2', 't1', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'finalMetric', order: 'asc' }), ['t2', 't5', 't0', 't1', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'duration', order: 'asc' }), ['t2', 't5', 't0', 't1', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'duration', order: 'desc' }), ['t1', 't0', 't5', 't2', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'startedAt', order: 'desc' }), ['t5', 't2', 't0', 't1', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'endedAt', order: 'asc' }), ['t0', 't2', 't5', 't1', 't3', 'T4']);
        assert.deepEqual(sorted({ sort: 'status' }), ['T4', 't3', 't0', 't2', 't1', 't5']);
        assert.deepEqual(sorted({ sort: 'sequence', order: 'desc' }), ['t5', 'T4', 't3', 't2', 't1', 't0']);
        assert.deepEqual(sorted({ sort: 'createdAt', order: 'desc' }), ['t0', 't1', 't2', 't3', 'T4', 't5']);
      }));

      it('sorts by a parameter (sortParam) and a metric key (sortMetric) like SQLite orders values', withExperiment((store) => {
        seed(store);
        const sorted = (q: KeyedTrialQuery) => ids(store.listTrials(q).items);
        assert.deepEqual(sorted({ sortParam: 'width', order: 'desc' }), ['t2', 't5', 't1', 'T4', 't0', 't3']);
        assert.deepEqual(sorted({ sortParam: 'op', order: 'asc' }), ['t0', 't2', 't1', 't5', 't3', 'T4']);
        assert.deepEqual(sorted({ sortParam: 'op', order: 'asc', status: ['SUCCEEDED'], limit: 1, offset: 1 }), ['t2']);
        assert.deepEqual(sorted({ sortParam: 'missing', order: 'desc' }), ['t0', 't1', 't2', 't3', 'T4', 't5']);
        assert.deepEqual(sorted({ sortMetric: 'flops', order: 'desc' }), ['t0', 't1', 't2', 't3', 'T4', 't5']);
        assert.deepEqual(sorted({ sortMetric: 'default', order: 'desc' }), ['t0', 't5', 't2', 't1', 't3', 'T4']);
        assert.throws(() => store.listTrials({ sortParam: 'a', sortMetric: 'b' } as KeyedTrialQuery), BadRequestError);
        assert.throws(() => store.listTrials({ sortParam: 'a"b' } as KeyedTrialQuery), /sortParam must be a key/);
      }));

      it('searches and sorts by a parameter together (the trials page: sorted by a choice, then a search typed)', withExperiment((store) => {
        seed(store);
        const page = (q: KeyedTrialQuery) => {
          const p = store.listTrials(q);
          return [ids(p.items), p.total];
        };
        assert.deepEqual(page({ search: 'conv', sortParam: 'width', order: 'desc' }), [['t2', 't5', 't1', 't0'], 4]);
        assert.deepEqual(page({ search: 'conv', sortParam: 'op', order: 'asc' }), [['t0', 't2', 't1', 't5'], 4]);
        assert.deepEqual(page({ search: 'conv', sortParam: 'op', order: 'asc', offset: 1, limit: 2 }), [['t2', 't1'], 4]);
        assert.deepEqual(page({ search: 't4', sortParam: 'op', order: 'desc' }), [['T4'], 1]);
        // The table may still ask for the page at its old scroll position: empty, same total.
        assert.deepEqual(page({ search: 't4', sortParam: 'op', order: 'asc', offset: 200, limit: 200 }), [[], 1]);
        assert.deepEqual(page({ search: 'conv', sortParam: 'missing', order: 'desc' }), [['t0', 't1', 't2', 't5'], 4]);
        assert.deepEqual(page({ search: 'nothing', sortParam: 'op', order: 'asc' }), [[], 0]);
        assert.deepEqual(page({ search: 'skip', status: ['RUNNING', 'WAITING'], sortParam: 'width', order: 'asc' }), [['t3', 'T4'], 2]);
      }));

      it('gives chart rows of every trial in sequence order, and each one\'s parameters', withExperiment((store) => {
        seed(store);
        const all = store.allTrials();
        const project = ({ sequence, id, finalMetric, startedAt, endedAt }: TrialRecord) => {
          const r: Partial<TrialRecord> = { sequence, id };
          if (finalMetric !== undefined) r.finalMetric = finalMetric;
          if (startedAt !== undefined) r.startedAt = startedAt;
          if (endedAt !== undefined) r.endedAt = endedAt;
          return r;
        };
        for (const withParameters of [false, true]) {
          const chart = store.trialChartRows(withParameters);
          assert.deepEqual(chart.rows, all.map(project));
          assert.deepEqual(chart.rows.map((_, i) => chart.parametersOf(i)), all.map((t) => t.parameters));
        }
        assert.deepEqual(store.trialChartRows(false).rows.find((r) => r.id === 't0')?.finalMetric, { default: 0.9, flops: 3 });
      }));

      it('sorts choice values ({_value, _idx}) by their value', withExperiment((store) => {
        store.createTrial(sampleTrial('a', { op: { _value: 'skip', _idx: 2 } }));
        store.createTrial(sampleTrial('b', { op: { _value: 'conv', _idx: 0 } }));
        store.createTrial(sampleTrial('c', { op: { _value: 3, _idx: 1 } }));
        assert.deepEqual(ids(store.listTrials({ sortParam: 'op', order: 'asc' } as KeyedTrialQuery).items), ['c', 'b', 'a']);
      }));

      it('sorts mixed parameter values like SQLite: numbers, then strings, then missing or null, ties by sequence', withExperiment((store) => {
        const values: Array<[string, TrialParameters]> = [
          ['s0', { op: 'b' }],
          ['s1', { op: { _value: 2.5, _idx: 1 } }],
          ['s2', {}],
          ['s3', { op: { _value: 'a', _idx: 0 } }],
          ['s4', { op: 10 }],
          ['s5', { op: null }],
          ['s6', { op: { _value: null, _idx: 0 } }],
          ['s7', { op: 'b' }],
          ['s8', { op: true }],
          ['s9', { op: 'B' }],
          ['sa', { op: [1, 2] }],
          ['sb', { op: { _value: 2.5, _idx: 1 } }],
        ];
        for (const [id, params] of values) store.createTrial(sampleTrial(id, params));
        const sorted = (q: KeyedTrialQuery) => ids(store.listTrials(q).items);
        // true sorts as 1; an array as its JSON text "[1,2]" (before letters); null and missing last.
        const asc = ['s8', 's1', 'sb', 's4', 's9', 'sa', 's3', 's0', 's7', 's2', 's5', 's6'];
        const desc = ['s0', 's7', 's3', 'sa', 's9', 's4', 's1', 'sb', 's8', 's2', 's5', 's6'];
        assert.deepEqual(sorted({ sortParam: 'op', order: 'asc' }), asc);
        assert.deepEqual(sorted({ sortParam: 'op', order: 'desc' }), desc);
        for (const order of ['asc', 'desc'] as const) {
          const all = order === 'asc' ? asc : desc;
          for (const [offset, limit] of [[0, 5], [5, 5], [8, 3], [9, 2], [10, 5], [12, 5]] as const) {
            const page = store.listTrials({ sortParam: 'op', order, offset, limit } as KeyedTrialQuery);
            assert.deepEqual(ids(page.items), all.slice(offset, offset + limit), `${order} offset ${offset} limit ${limit}`);
            assert.equal(page.total, 12);
          }
        }
        store.transitionTrial('s2', 'WAITING', 'RUNNING', { startedAt: 1 });
        store.transitionTrial('s7', 'WAITING', 'RUNNING', { startedAt: 1 });
        store.transitionTrial('s1', 'WAITING', 'RUNNING', { startedAt: 1 });
        const running = { sortParam: 'op', order: 'desc', status: ['RUNNING'] } as KeyedTrialQuery;
        assert.deepEqual(sorted(running), ['s7', 's1', 's2']);
        assert.deepEqual(sorted({ ...running, offset: 1, limit: 1 }), ['s1']);
        assert.deepEqual(sorted({ ...running, offset: 2, limit: 5 }), ['s2']);
        assert.deepEqual(sorted({ sortParam: 'op', order: 'asc', search: 'b' }), ['sb', 's9', 's0', 's7'], 'sb matches by its id');
        assert.deepEqual(store.listTrials({ sortParam: 'op', status: [] } as KeyedTrialQuery), { items: [], total: 0 });
      }));

      it('pages with offset and limit; total counts all matches', withExperiment((store) => {
        seed(store);
        const page = store.listTrials({ sort: 'finalMetric', order: 'desc', offset: 1, limit: 2 });
        assert.deepEqual(ids(page.items), ['t5', 't2']);
        assert.equal(page.total, 6);
        assert.deepEqual(store.listTrials({ status: ['SUCCEEDED'], offset: 5 }), { items: [], total: 2 });
        assert.throws(() => store.listTrials({ limit: 10_001 }), BadRequestError);
        assert.throws(() => store.listTrials({ offset: -1 }), BadRequestError);
        assert.throws(() => store.listTrials({ status: ['DONE' as TrialRecord['status']] }), BadRequestError);
      }));

      it('limits pages to 100 trials by default', withExperiment((store) => {
        for (let i = 0; i < 105; i++) store.createTrial(sampleTrial(`x${i}`));
        const page = store.listTrials();
        assert.equal(page.items.length, 100);
        assert.equal(page.total, 105);
        assert.equal(store.listTrials({ offset: 100 }).items[0]?.id, 'x100');
        assert.equal(store.listTrials({ limit: 10_000 }).items.length, 105);
      }));

      it('counts trials by status, with every status present', withExperiment((store) => {
        seed(store);
        assert.deepEqual(store.countByStatus(), {
          WAITING: 1, RUNNING: 1, SUCCEEDED: 2, FAILED: 1, USER_CANCELED: 0, SYS_CANCELED: 0, EARLY_STOPPED: 1,
        });
      }));
    });

    describe('meta', () => {
      it('gets, sets, overwrites and deletes JSON values', withStore((store) => {
        assert.equal(store.getMeta('tuner'), undefined);
        store.setMeta('tuner', { name: 'Evolution', population: [1, 2] });
        assert.deepEqual(store.getMeta('tuner'), { name: 'Evolution', population: [1, 2] });
        store.setMeta('tuner', 'replaced');
        store.setMeta('n', 3);
        assert.equal(store.getMeta('tuner'), 'replaced');
        assert.equal(store.getMeta('n'), 3);
        store.setMeta('n', undefined);
        assert.equal(store.getMeta('n'), undefined);
      }));
    });
  });
}
