import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { NotFoundError, StoreError } from '../../../daemon/errors';
import { openSqliteStore } from '../../../daemon/store/sqlite-store';
import { MIGRATIONS, NASCTL_APPLICATION_ID, SCHEMA_VERSION } from '../../../daemon/store/migrations';
import { translateSqliteError } from '../../../daemon/store/sqlite-errors';
import { createMemoryStore } from '../../../daemon/store/memory-store';
import type { KeyedTrialQuery } from '../../../daemon/store/trial-query';
import type { TrialParameters } from '../../../trial-runtime/protocol/messages';
import { runStoreContract, sampleConfig, sampleTrial } from './store-contract';

const tmpDirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-store-'));
  tmpDirs.push(d);
  return d;
}
after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

runStoreContract('sqlite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-contract-'));
  return { store: openSqliteStore(path.join(dir, 'experiment.db')), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

runStoreContract('sqlite (group commit)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-contract-gc-'));
  const store = openSqliteStore(path.join(dir, 'experiment.db'), { groupCommit: true });
  return { store, cleanup: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

describe('sqlite store: group commit', () => {
  it('commits one turn of writes together on the next turn, and on close', async () => {
    const dir = tmpDir();
    const db = path.join(dir, 'experiment.db');
    const hooks: string[] = [];
    const writer = openSqliteStore(db, { groupCommit: true, onBatchOpen: () => hooks.push('open'), onCommit: () => hooks.push('commit') });
    writer.createExperiment({ id: 'exp1', name: 'gc', config: sampleConfig(), createdAt: 1 });
    writer.createTrial(sampleTrial('a'));
    writer.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 2 });
    const reader = new BetterSqlite3(db, { readonly: true });
    try {
      const count = () => reader.prepare('SELECT COUNT(*) FROM trial_events').pluck().get() as number;
      assert.equal(count(), 0, 'nothing is visible to other connections before the turn ends');
      assert.equal(writer.getTrial('a')?.status, 'RUNNING', 'the writer sees its own writes at once');
      assert.deepEqual(hooks, ['open']);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(count(), 2);
      assert.deepEqual(hooks, ['open', 'commit']);
      writer.setMeta('k', 1);
      writer.flush();
      assert.equal(reader.prepare("SELECT COUNT(*) FROM meta WHERE key = 'k'").pluck().get(), 1, 'flush commits at once');
      assert.deepEqual(hooks, ['open', 'commit', 'open', 'commit']);
      writer.addMetric('a', 'final', 0.5, 3);
      writer.close();
      assert.equal(reader.prepare('SELECT COUNT(*) FROM metrics').pluck().get(), 1, 'close commits the open batch');
    } finally {
      reader.close();
    }
  });
});

describe('sqlite store: files', () => {
  let dir: string;
  before(() => { dir = tmpDir(); });

  it('keeps everything across close and reopen', () => {
    const db = path.join(dir, 'persist', 'experiment.db');
    const s1 = openSqliteStore(db);
    s1.createExperiment({ id: 'exp1', name: 'persist', config: sampleConfig(), createdAt: 1 });
    s1.updateConfig(sampleConfig({ trialConcurrency: 8 }), 2);
    s1.setExperimentStatus('STOPPED', { error: 'stopped by user', startedAt: 3, endedAt: 4 });
    s1.addActiveMs(42);
    s1.createTrial(sampleTrial('a', { width: 16 }, { trialDir: path.join(dir, 'persist', 'trials', 'a') }));
    s1.createTrial(sampleTrial('b'));
    s1.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 10, gpuIndices: [1] });
    s1.addMetric('a', 'intermediate', 0.25, 11);
    s1.addMetric('a', 'final', { default: 0.5, flops: 7 }, 12);
    s1.transitionTrial('a', 'RUNNING', 'SUCCEEDED', { endedAt: 13, exitCode: 0 });
    s1.setWaitReason('b', 'no free GPU');
    s1.setMeta('tuner', { population: ['a'] });
    const snapshot = (s: ReturnType<typeof openSqliteStore>) => ({
      exp: s.getExperiment(), revs: s.configRevisions(), trials: s.allTrials(), events: s.trialEvents(),
      metrics: s.metrics('a'), latest: s.latestMetrics(), meta: s.getMeta('tuner'), counts: s.countByStatus(),
    });
    const before1 = snapshot(s1);
    s1.close();
    const s2 = openSqliteStore(db);
    try {
      assert.deepEqual(snapshot(s2), before1);
      assert.equal(before1.trials[0]!.trialDir, path.join(dir, 'persist', 'trials', 'a'));
      assert.equal(s2.createTrial(sampleTrial('c')).sequence, 2);
    } finally {
      s2.close();
    }
  });

  it('creates the schema in an empty file, in WAL mode', () => {
    const db = path.join(dir, 'empty.db');
    fs.writeFileSync(db, '');
    openSqliteStore(db).close();
    const raw = new BetterSqlite3(db, { readonly: true });
    try {
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(raw.pragma('application_id', { simple: true }), NASCTL_APPLICATION_ID);
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      for (const t of ['config_revisions', 'experiment', 'meta', 'metrics', 'trial_events', 'trials']) assert.ok(tables.includes(t), t);
    } finally {
      raw.close();
    }
  });

  it('migration 2 fills trial_search for the trials of a schema-1 database, and search finds them', () => {
    const db = path.join(dir, 'v1.db');
    const raw = new BetterSqlite3(db);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO experiment (id, name, status, created_at, config, config_revision) VALUES ('e', 'e', 'STOPPED', 1, ?, 1)`).run(JSON.stringify(sampleConfig()));
    const insert = raw.prepare(`INSERT INTO trials (sequence, id, parameters, source, attempt, status, created_at, trial_dir) VALUES (?, ?, ?, 'tuner', 0, 'WAITING', 1, '/x')`);
    insert.run(0, 'old0', JSON.stringify({ op: { _value: 'Sep_Conv3x3', _idx: 1 } }));
    insert.run(1, 'old1', JSON.stringify({ op: { _value: 'skip', _idx: 0 } }));
    raw.close();
    assert.throws(() => openSqliteStore(db, { readOnly: true }), /older than this nasctl/);
    const store = openSqliteStore(db);
    try {
      assert.deepEqual(store.listTrials({ search: 'sep_conv' }).items.map((t) => t.id), ['old0']);
      assert.deepEqual(store.listTrials({ search: 'OLD' }).total, 2);
      store.createTrial(sampleTrial('new2', { op: { _value: 'sep_conv5x5', _idx: 2 } }));
      assert.deepEqual(store.listTrials({ search: 'sep_conv' }).items.map((t) => t.id), ['old0', 'new2'], 'the trigger indexes new trials');
    } finally {
      store.close();
    }
  });

  it('a copied schema-2 experiment folder: read-only it sorts without trial_params; migration 3 indexes it; same order as json_extract and the memory store', () => {
    const src = path.join(dir, 'v2-machine', 'exp-v2');
    fs.mkdirSync(src, { recursive: true });
    const raw = new BetterSqlite3(path.join(src, 'experiment.db'));
    raw.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 2)) raw.exec(m.sql);
    raw.pragma('user_version = 2');
    raw.prepare(`INSERT INTO experiment (id, name, status, created_at, config, config_revision) VALUES ('e', 'e', 'STOPPED', 1, ?, 1)`).run(JSON.stringify(sampleConfig()));
    const insert = raw.prepare(`INSERT INTO trials (sequence, id, parameters, source, attempt, status, created_at, trial_dir) VALUES (?, ?, ?, 'tuner', 0, ?, 1, ?)`);
    const params: TrialParameters[] = [
      { op: { _value: 'sep', _idx: 1 }, w: 32 }, { op: { _value: 'conv', _idx: 0 }, w: 16 }, { w: 64 }, { op: 'conv', w: 16.5 },
      { op: { _value: 3, _idx: 2 }, w: 'x' }, { op: null, w: true }, { op: { _value: 'conv', _idx: 0 }, w: [2] },
    ];
    params.forEach((p, i) => insert.run(i, `old${i}`, JSON.stringify(p), i % 3 === 0 ? 'FAILED' : 'SUCCEEDED', `trials/old${i}`));
    const jsonExtractOrder = (key: string, dirSql: 'ASC' | 'DESC', where = ''): string[] => raw.prepare(
      `SELECT id FROM trials ${where} ORDER BY COALESCE(json_extract(parameters, '$."${key}"._value'), json_extract(parameters, '$."${key}"')) ${dirSql} NULLS LAST, sequence ASC`,
    ).pluck().all() as string[];
    const expected = new Map<string, string[]>();
    for (const key of ['op', 'w']) {
      for (const d of ['ASC', 'DESC'] as const) {
        expected.set(`${key} ${d}`, jsonExtractOrder(key, d));
        expected.set(`${key} ${d} FAILED`, jsonExtractOrder(key, d, "WHERE status = 'FAILED'"));
      }
    }
    raw.close();
    const dst = path.join(dir, 'v2-copied', 'exp-v2');
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.cpSync(src, dst, { recursive: true });
    const viewer = openSqliteStore(path.join(dst, 'experiment.db'), { readOnly: true });
    try {
      for (const [label, want] of expected) {
        const [key, d, status] = label.split(' ');
        const q = { sortParam: key, order: d === 'ASC' ? 'asc' : 'desc', ...(status === undefined ? {} : { status: [status] }) } as KeyedTrialQuery;
        assert.deepEqual(viewer.listTrials(q).items.map((t) => t.id), want, `read-only schema 2 (no trial_params) ${label}`);
      }
    } finally {
      viewer.close();
    }
    const store = openSqliteStore(path.join(dst, 'experiment.db'));
    const memory = createMemoryStore();
    try {
      memory.createExperiment({ id: 'e', name: 'e', config: sampleConfig(), createdAt: 1 });
      params.forEach((p, i) => memory.createTrial(sampleTrial(`old${i}`, p)));
      for (const t of store.allTrials()) {
        if (t.status === 'FAILED') { memory.transitionTrial(t.id, 'WAITING', 'RUNNING', {}); memory.transitionTrial(t.id, 'RUNNING', 'FAILED', {}); }
      }
      for (const [label, want] of expected) {
        const [key, d, status] = label.split(' ');
        const q = { sortParam: key, order: d === 'ASC' ? 'asc' : 'desc', ...(status === undefined ? {} : { status: [status] }) } as KeyedTrialQuery;
        assert.deepEqual(store.listTrials(q).items.map((t) => t.id), want, `sqlite ${label}`);
        assert.deepEqual(memory.listTrials(q).items.map((t) => t.id), want, `memory ${label}`);
      }
      assert.equal(store.listTrials({ sortParam: 'op', order: 'asc', offset: 5, limit: 1 } as KeyedTrialQuery).items[0]?.id, expected.get('op ASC')![5]);
      store.createTrial(sampleTrial('new7', { op: { _value: 'aaa', _idx: 3 }, w: 1 }));
      assert.deepEqual(store.listTrials({ sortParam: 'op', order: 'asc', limit: 2 } as KeyedTrialQuery).items.map((t) => t.id), ['old4', 'new7'], 'the trigger indexes new trials');
    } finally {
      store.close();
      memory.close();
    }
    const check = new BetterSqlite3(path.join(dst, 'experiment.db'));
    try {
      assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(check.prepare("SELECT count(*) FROM trial_params WHERE key = 'op'").pluck().get(), 6, 'null and missing values have no row');
      assert.throws(() => check.prepare("UPDATE trials SET parameters = '{}' WHERE id = 'old0'").run(), /parameters never change/);
      check.prepare("UPDATE trials SET status = 'SUCCEEDED' WHERE id = 'old0'").run();
    } finally {
      check.close();
    }
  });

  it('rejects a database written by a newer nasctl, saying to upgrade', () => {
    const db = path.join(dir, 'newer.db');
    openSqliteStore(db).close();
    const raw = new BetterSqlite3(db);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => openSqliteStore(db), (err: unknown) =>
      err instanceof StoreError && err.message.includes(db) && /newer nasctl/.test(err.message) && /upgrade nasctl/.test(err.message));
    assert.throws(() => openSqliteStore(db, { readOnly: true }), StoreError);
  });

  it('rejects a garbage file with a StoreError naming it', () => {
    const db = path.join(dir, 'garbage.db');
    fs.writeFileSync(db, Buffer.alloc(8192, 'this is not sqlite '));
    for (const readOnly of [false, true]) {
      assert.throws(() => openSqliteStore(db, { readOnly }), (err: unknown) =>
        err instanceof StoreError && err.message.includes(db) && /not a SQLite database or is corrupt/.test(err.message));
    }
  });

  it('rejects a SQLite database that is not a nasctl database', () => {
    const db = path.join(dir, 'foreign.db');
    const raw = new BetterSqlite3(db);
    raw.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    raw.close();
    assert.throws(() => openSqliteStore(db), (err: unknown) =>
      err instanceof StoreError && /not a nasctl experiment database/.test(err.message));
  });

  it('finds trial folders again after the experiment folder was moved', () => {
    const src = path.join(dir, 'machine-a', 'exp1');
    const inside = path.join(src, 'trials', 'a');
    const outside = path.join(dir, 'elsewhere', 'b');
    const s1 = openSqliteStore(path.join(src, 'experiment.db'));
    s1.createExperiment({ id: 'exp1', name: 'moved', config: sampleConfig(), createdAt: 1 });
    s1.createTrial(sampleTrial('a', {}, { trialDir: inside }));
    s1.createTrial(sampleTrial('b', {}, { trialDir: outside }));
    s1.close();
    const raw = new BetterSqlite3(path.join(src, 'experiment.db'), { readonly: true });
    assert.deepEqual(raw.prepare('SELECT trial_dir FROM trials ORDER BY sequence').pluck().all(), ['trials/a', outside]);
    raw.close();
    const dst = path.join(dir, 'machine-b', 'copied');
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.renameSync(src, dst);
    const s2 = openSqliteStore(path.join(dst, 'experiment.db'), { readOnly: true });
    try {
      assert.equal(s2.getTrial('a')?.trialDir, path.join(dst, 'trials', 'a'));
      assert.equal(s2.getTrial('b')?.trialDir, outside);
    } finally {
      s2.close();
    }
  });

  it('read-only: reads, sees a writer\'s changes, refuses writes; a missing file is NotFound', () => {
    const db = path.join(dir, 'ro', 'experiment.db');
    const writer = openSqliteStore(db);
    writer.createExperiment({ id: 'exp7', name: 'ro', config: sampleConfig(), createdAt: 1 });
    writer.createTrial(sampleTrial('a'));
    const reader = openSqliteStore(db, { readOnly: true });
    try {
      assert.equal(reader.getExperiment().id, 'exp7');
      writer.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 5 });
      assert.equal(reader.getTrial('a')?.status, 'RUNNING');
      const readOnlyError = (err: unknown) => err instanceof StoreError && /read-only/.test(err.message) && err.message.includes('nasctl resume exp7');
      assert.throws(() => reader.createTrial(sampleTrial('b')), readOnlyError);
      assert.throws(() => reader.transitionTrial('a', 'RUNNING', 'SUCCEEDED', { endedAt: 6 }), readOnlyError);
      assert.throws(() => reader.addMetric('a', 'final', 1, 1), readOnlyError);
      assert.throws(() => reader.setMeta('k', 1), readOnlyError);
      assert.equal(reader.getTrial('a')?.status, 'RUNNING');
    } finally {
      reader.close();
      writer.close();
    }
    assert.throws(() => openSqliteStore(path.join(dir, 'missing', 'experiment.db'), { readOnly: true }), NotFoundError);
    assert.equal(fs.existsSync(path.join(dir, 'missing')), false);
  });

  it('compare-and-set holds across two connections to one file', () => {
    const db = path.join(dir, 'race', 'experiment.db');
    const s1 = openSqliteStore(db);
    const s2 = openSqliteStore(db);
    try {
      s1.createExperiment({ id: 'exp1', name: 'race', config: sampleConfig(), createdAt: 1 });
      s1.createTrial(sampleTrial('a'));
      const first = s2.transitionTrial('a', 'WAITING', 'RUNNING', { startedAt: 2 });
      const second = s1.transitionTrial('a', 'WAITING', 'USER_CANCELED', { endedAt: 3 });
      assert.equal(first?.status, 'RUNNING');
      assert.equal(second, null);
      assert.equal(s1.trialEvents('a').length, 2);
    } finally {
      s1.close();
      s2.close();
    }
  });

  it('a closed store throws StoreError', () => {
    const s = openSqliteStore(path.join(dir, 'closed', 'experiment.db'));
    s.close();
    assert.throws(() => s.allTrials(), StoreError);
  });

  it('turns a full disk (SQLITE_FULL) into a StoreError saying what to do', () => {
    const db = path.join(dir, 'full.db');
    const raw = new BetterSqlite3(db);
    raw.exec('CREATE TABLE t (x BLOB)');
    raw.pragma('max_page_count = 4');
    let caught: unknown;
    try {
      for (let i = 0; i < 100; i++) raw.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(4096));
    } catch (err) {
      caught = err;
    } finally {
      raw.close();
    }
    assert.ok(caught instanceof BetterSqlite3.SqliteError && caught.code === 'SQLITE_FULL');
    const translated = translateSqliteError(caught, { dbPath: db, experimentId: 'exp9', readOnly: false });
    assert.ok(translated instanceof StoreError);
    assert.ok(translated.message.includes(db));
    assert.ok(translated.message.includes('free disk space, then `nasctl resume exp9`'));
    assert.equal(translated.cause, caught);
  });
});
