import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore } from '../../../daemon/store/sqlite-store';
import { normalizeTrialQuery, type KeyedTrialQuery } from '../../../daemon/store/trial-query';
import { ROW_SORT_LIMIT, listTrialRows, trialListSql } from '../../../daemon/store/sqlite-trial-list';
import { createMemoryStore } from '../../../daemon/store/memory-store';
import { sampleConfig, sampleTrial } from './store-contract';

describe('sqlite trial list: sort by a parameter', () => {
  let dir: string;
  let db: BetterSqlite3.Database;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-trial-list-'));
    const store = openSqliteStore(path.join(dir, 'experiment.db'));
    store.createExperiment({ id: 'e', name: 'e', config: sampleConfig(), createdAt: 1 });
    for (let i = 0; i < 30; i++) store.createTrial(sampleTrial(`t${i}`, { op: { _value: ['conv', 'skip', 'pool'][i % 3]!, _idx: i % 3 }, width: i }));
    store.close();
    db = new BetterSqlite3(path.join(dir, 'experiment.db'), { readonly: true });
  });
  after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The query plan's lines for the page query of `q`, bound like the store binds it. */
  const plan = (q: KeyedTrialQuery): string[] => {
    const nq = normalizeTrialQuery(q);
    const sql = trialListSql(nq);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql.pageSql}`).all(...sql.params, nq.limit, nq.offset) as Array<{ detail: string }>).map((r) => r.detail);
  };

  for (const q of [
    { sortParam: 'op', order: 'asc' },
    { sortParam: 'op', order: 'desc', offset: 20 },
    { sortParam: 'op', order: 'asc', status: ['WAITING'], metricMin: 0.1, search: 'conv' },
  ] as KeyedTrialQuery[]) {
    it(`reads the page in trial_params index order, never scanning trials for the order (${JSON.stringify(q)})`, () => {
      const lines = plan(q);
      assert.ok(lines.some((l) => /SEARCH trial_params USING PRIMARY KEY \(key=\?\)/.test(l)), lines.join(' | '));
      assert.ok(!lines.some((l) => /^SCAN (trials|t)\b/.test(l)), `no scan of every trial row: ${lines.join(' | ')}`);
      assert.ok(!lines.includes('USE TEMP B-TREE FOR ORDER BY'), `no full sort: ${lines.join(' | ')}`);
    });
  }

  it('gives the same pages with and without the trial_params index, mixed values included', () => {
    const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-trial-list-mixed-'));
    const store = openSqliteStore(path.join(d2, 'experiment.db'));
    try {
      store.createExperiment({ id: 'e', name: 'e', config: sampleConfig(), createdAt: 1 });
      const values: unknown[] = ['b', { _value: 2.5, _idx: 1 }, undefined, { _value: 'a', _idx: 0 }, 10, null, { _value: null, _idx: 0 }, 'b', true, 'B', [1, 2], { x: 1 }, 2];
      values.forEach((v, i) => store.createTrial(sampleTrial(`m${i}`, v === undefined ? {} : { op: v as never })));
      store.transitionTrial('m3', 'WAITING', 'RUNNING', { startedAt: 1 });
      const raw = new BetterSqlite3(path.join(d2, 'experiment.db'), { readonly: true });
      try {
        // rowSortLimit 0: the index path even for these few trials; the default and Infinity (what a
        // schema-2 database without trial_params gets): the per-row sort.
        const ids = (q: KeyedTrialQuery, rowSortLimit: number) =>
          listTrialRows<{ id: string }>(normalizeTrialQuery(q), (sql) => raw.prepare(sql), rowSortLimit).rows.map((r) => r.id);
        for (const order of ['asc', 'desc'] as const) {
          for (const q of [{ order }, { order, offset: 4, limit: 5 }, { order, offset: 9, limit: 3 }, { order, status: ['WAITING'], offset: 1, limit: 20 }, { order, search: 'b' }] as KeyedTrialQuery[]) {
            const withIndex = ids({ ...q, sortParam: 'op' }, 0);
            assert.deepEqual(withIndex, ids({ ...q, sortParam: 'op' }, Infinity), JSON.stringify(q));
            assert.deepEqual(withIndex, ids({ ...q, sortParam: 'op' }, ROW_SORT_LIMIT), `few matches, per-row sort ${JSON.stringify(q)}`);
            assert.deepEqual(withIndex, createMemoryOrder(values, { ...q, sortParam: 'op' }), `memory ${JSON.stringify(q)}`);
          }
        }
      } finally {
        raw.close();
      }
    } finally {
      store.close();
      fs.rmSync(d2, { recursive: true, force: true });
    }
  });

  it('keeps one row per (trial, key) with numbers as numbers and strings as text', () => {
    const rows = db.prepare("SELECT key, value, typeof(value) AS type FROM trial_params WHERE sequence = 4 ORDER BY key").all();
    assert.deepEqual(rows, [{ key: 'op', value: 'skip', type: 'text' }, { key: 'width', value: 4, type: 'integer' }]);
  });
});

/** The ids the in-memory store lists for `q` over trials m0.. with `op` = values[i] (m3 RUNNING). */
function createMemoryOrder(values: readonly unknown[], q: KeyedTrialQuery): string[] {
  const store = createMemoryStore();
  store.createExperiment({ id: 'e', name: 'e', config: sampleConfig(), createdAt: 1 });
  values.forEach((v, i) => store.createTrial(sampleTrial(`m${i}`, v === undefined ? {} : { op: v as never })));
  store.transitionTrial('m3', 'WAITING', 'RUNNING', { startedAt: 1 });
  const out = store.listTrials(q).items.map((t) => t.id);
  store.close();
  return out;
}
