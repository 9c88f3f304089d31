import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BadRequestError, ConflictError, NotFoundError, StoreError } from '../errors';
import type { ExperimentConfig } from '../config/experiment-config';
import type { MetricValue } from '../../trial-runtime/protocol/messages';
import type { ExperimentStore, TrialChartRows } from './store';
import { readTrialChartRows } from './sqlite-chart-rows';
import {
  TRIAL_STATUSES, type ConfigRevision, type ExperimentRecord, type ExperimentStatus, type MetricRecord,
  type NewExperiment, type NewTrial, type TrialEvent, type TrialPage, type TrialPatch, type TrialQuery,
  type TrialRecord, type TrialStatus,
} from './types';
import { applyMigrations, checkSchemaVersion, PARAM_INDEX_SCHEMA_VERSION } from './migrations';
import { canonicalJson } from './canonical-json';
import { checkMetricValue, metricDefault } from './metric-value';
import { normalizeTrialQuery } from './trial-query';
import { checkTransition, transitionTime } from './trial-transitions';
import { translateSqliteError, type SqliteErrorContext } from './sqlite-errors';
import { prepareStatements, type SqliteStatements } from './sqlite-statements';
import { listTrialRows, ROW_SORT_LIMIT } from './sqlite-trial-list';
import {
  storedTrialDir, toEvent, toExperiment, toMetric, toRevision, toTrial, type ExperimentRow, type TrialRow,
} from './sqlite-rows';

export interface SqliteStoreOptions {
  readOnly?: boolean;
  /**
   * Group commit: writes made during one turn of the event loop share one transaction, committed
   * on the next turn (setImmediate). Each write stays atomic (a savepoint); a crash loses at most
   * the last turn's writes, which resume treats like any interrupted work. The daemon turns it on:
   * at thousands of trials/s the per-transaction WAL commit otherwise dominates.
   */
  groupCommit?: boolean;
  /** With groupCommit: commit at most this many ms after the first write of a batch (default 0: next turn). */
  groupCommitDelayMs?: number;
  /** With groupCommit: told when a batch opens and after it commits (the daemon holds live events in between). */
  onBatchOpen?: () => void;
  onCommit?: () => void;
}

/** How long a write waits for another connection's lock before failing with StoreError. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating and migrating when writable) one experiment's database file: WAL journal,
 * synchronous=NORMAL, busy timeout, foreign keys on, schema at SCHEMA_VERSION.
 * Called by the daemon when it creates/resumes an experiment (writable) and by `view`/REST
 * readers (readOnly). Trial directories inside the file's folder are stored relative to it.
 * Throws NotFoundError when readOnly and the file does not exist; StoreError when the file is not
 * a (nasctl) SQLite database, is corrupt, was written by a newer nasctl, or cannot be opened.
 */
export function openSqliteStore(dbPath: string, opts: SqliteStoreOptions = {}): ExperimentStore {
  const readOnly = opts.readOnly === true;
  const file = path.resolve(dbPath);
  const ctx: SqliteErrorContext = { dbPath: file, readOnly };
  if (readOnly && !fs.existsSync(file)) {
    throw new NotFoundError(`${file} does not exist; check the experiment id (\`nasctl experiment list\`) or its folder`);
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    if (!readOnly) fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new BetterSqlite3(file, { readonly: readOnly, fileMustExist: readOnly, timeout: BUSY_TIMEOUT_MS });
    if (!readOnly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    checkSchemaVersion(db, file, readOnly);
    if (!readOnly) applyMigrations(db);
    const id = db.prepare('SELECT id FROM experiment LIMIT 1').pluck().get() as string | undefined;
    if (id !== undefined) ctx.experimentId = id;
    return new SqliteStore(db, ctx, opts.groupCommit === true && !readOnly ? opts.groupCommitDelayMs ?? 0 : undefined, opts);
  } catch (err) {
    db?.close();
    throw translateSqliteError(err, ctx);
  }
}

class SqliteStore implements ExperimentStore {
  private readonly s: SqliteStatements;
  private readonly baseDir: string;
  private readonly listCache = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();
  /** listTrialRows' rowSortLimit: Infinity when the schema predates the trial_params sort index. */
  private readonly rowSortLimit: number;
  private readonly txTransition: (id: string, from: TrialStatus, to: TrialStatus, patch: TrialPatch) => TrialRow | undefined;
  private readonly txCreateTrial: (t: NewTrial) => TrialRow;
  private readonly txAddMetric: (id: string, kind: MetricRecord['kind'], value: MetricValue, at: number) => MetricRecord;
  private readonly txUpdateConfig: (config: ExperimentConfig, at: number) => number;
  private readonly txCreateExperiment: (e: NewExperiment) => ExperimentRecord;

  private commitScheduled = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly ctx: SqliteErrorContext,
    /** Group commit delay in ms; undefined = every write commits on its own. */
    private readonly groupCommitDelayMs?: number,
    private readonly hooks: Pick<SqliteStoreOptions, 'onBatchOpen' | 'onCommit'> = {},
  ) {
    this.s = prepareStatements(db);
    this.baseDir = path.dirname(ctx.dbPath);
    // Only a schema-2 database opened read-only lacks trial_params (writable ones were migrated).
    this.rowSortLimit = (db.pragma('user_version', { simple: true }) as number) >= PARAM_INDEX_SCHEMA_VERSION ? ROW_SORT_LIMIT : Infinity;
    const s = this.s;
    this.txCreateExperiment = db.transaction((e: NewExperiment) => {
      const existing = s.selectExperiment.get();
      if (existing !== undefined) {
        throw new ConflictError(`experiment ${existing.id} already exists in ${ctx.dbPath}; use \`nasctl resume ${existing.id}\` or a new id`);
      }
      const json = JSON.stringify(e.config);
      const row = s.insertExperiment.get(e.id, e.name, e.createdAt, json)!;
      s.insertRevision.run(1, json, e.createdAt);
      return toExperiment(row);
    });
    this.txUpdateConfig = db.transaction((config: ExperimentConfig, at: number) => {
      const cur = this.experimentRow();
      if (canonicalJson(config) === canonicalJson(JSON.parse(cur.config))) return cur.config_revision;
      const json = JSON.stringify(config);
      const rev = cur.config_revision + 1;
      s.setExperimentConfig.run(json, rev);
      s.insertRevision.run(rev, json, at);
      return rev;
    });
    this.txCreateTrial = db.transaction((t: NewTrial) => {
      if (s.trialExists.get(t.id) !== undefined) throw new ConflictError(`trial ${t.id} already exists; trial ids must be unique`);
      const row = s.insertTrial.get(
        s.nextSequence.get()!, t.id, JSON.stringify(t.parameters), t.source, t.retryOf ?? null, t.attempt,
        t.createdAt, storedTrialDir(t.trialDir, this.baseDir),
      )!;
      s.insertEvent.run(t.id, null, 'WAITING', t.createdAt, null);
      return row;
    });
    this.txTransition = db.transaction((id: string, from: TrialStatus, to: TrialStatus, patch: TrialPatch) => {
      const row = s.casTrial.get({
        id, from, to, startedAt: patch.startedAt ?? null, endedAt: patch.endedAt ?? null,
        exitCode: patch.exitCode ?? null, signal: patch.signal ?? null, reason: patch.reason ?? null,
        gpuIndices: patch.gpuIndices === undefined ? null : JSON.stringify(patch.gpuIndices),
      });
      if (row === undefined) return undefined;
      s.insertEvent.run(id, from, to, transitionTime(to, patch, Date.now()), patch.reason ?? null);
      return row;
    });
    this.txAddMetric = db.transaction((id: string, kind: MetricRecord['kind'], value: MetricValue, at: number) => {
      const seq = s.nextMetricSeq.get(id)!;
      const json = JSON.stringify(value);
      s.insertMetric.run(id, seq, kind, json, at);
      if (kind === 'final') s.setFinal.run(json, metricDefault(value), id);
      else s.bumpIntermediate.run(id);
      return { trialId: id, seq, kind, value: JSON.parse(json) as MetricValue, at };
    });
  }

  createExperiment(e: NewExperiment): ExperimentRecord {
    return this.write('create the experiment', () => {
      const rec = this.txCreateExperiment(e);
      this.ctx.experimentId = rec.id;
      return rec;
    });
  }

  getExperiment(): ExperimentRecord {
    return this.guard(() => toExperiment(this.experimentRow()));
  }

  setExperimentStatus(
    status: ExperimentStatus,
    patch: { error?: string | undefined; startedAt?: number; endedAt?: number | undefined } = {},
  ): ExperimentRecord {
    return this.write('set the experiment status', () => {
      const setEnded = 'endedAt' in patch;
      const row = this.s.setExperimentStatus.get({
        status, error: patch.error ?? null, startedAt: patch.startedAt ?? null,
        setEnded: setEnded ? 1 : 0, endedAt: patch.endedAt ?? null,
      });
      if (row === undefined) throw this.noExperiment();
      return toExperiment(row);
    });
  }

  addActiveMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new BadRequestError('ms', `active time must be a non-negative number of ms, got ${ms}`);
    this.write('add active time', () => {
      if (this.s.addActiveMs.run(Math.round(ms)).changes === 0) throw this.noExperiment();
    });
  }

  updateConfig(config: ExperimentConfig, at: number): number {
    return this.write('update the config', () => this.txUpdateConfig(config, at));
  }

  configRevisions(): ConfigRevision[] {
    return this.guard(() => this.s.selectRevisions.all().map(toRevision));
  }

  createTrial(t: NewTrial): TrialRecord {
    return this.write('create a trial', () => toTrial(this.txCreateTrial(t), this.baseDir));
  }

  transitionTrial(id: string, from: TrialStatus, to: TrialStatus, patch: TrialPatch = {}): TrialRecord | null {
    checkTransition(id, from, to);
    return this.write('change a trial status', () => {
      const row = this.txTransition(id, from, to, patch);
      if (row !== undefined) return toTrial(row, this.baseDir);
      if (this.s.trialExists.get(id) === undefined) throw this.noTrial(id);
      return null;
    });
  }

  setWaitReason(id: string, reason: string | undefined): void {
    this.write('set a wait reason', () => {
      if (this.s.setWaitReason.run(reason ?? null, id).changes === 0 && this.s.trialExists.get(id) === undefined) {
        throw this.noTrial(id);
      }
    });
  }

  getTrial(id: string): TrialRecord | undefined {
    return this.guard(() => {
      const row = this.s.selectTrial.get(id);
      return row === undefined ? undefined : toTrial(row, this.baseDir);
    });
  }

  listTrials(q?: TrialQuery): TrialPage {
    const nq = normalizeTrialQuery(q);
    return this.guard(() => {
      const { rows, total } = listTrialRows<TrialRow>(nq, (sql) => this.cached(sql), this.rowSortLimit);
      return { items: rows.map((r) => toTrial(r, this.baseDir)), total };
    });
  }

  allTrials(): TrialRecord[] {
    return this.guard(() => this.s.selectAllTrials.all().map((r) => toTrial(r, this.baseDir)));
  }

  trialChartRows(withParameters: boolean): TrialChartRows {
    return this.guard(() => readTrialChartRows((sql) => this.cached(sql), withParameters, (run) => this.guard(run)));
  }

  countByStatus(): Record<TrialStatus, number> {
    return this.guard(() => {
      const counts = Object.fromEntries(TRIAL_STATUSES.map((st) => [st, 0])) as Record<TrialStatus, number>;
      for (const r of this.s.countByStatus.all()) counts[r.status as TrialStatus] = r.n;
      return counts;
    });
  }

  trialEvents(trialId?: string): TrialEvent[] {
    return this.guard(() =>
      (trialId === undefined ? this.s.selectEvents.all() : this.s.selectTrialEvents.all(trialId)).map(toEvent));
  }

  addMetric(trialId: string, kind: 'intermediate' | 'final', value: MetricValue, at: number): MetricRecord {
    return this.write('record a metric', () => {
      if (this.s.trialExists.get(trialId) === undefined) throw this.noTrial(trialId);
      checkMetricValue(trialId, value);
      return this.txAddMetric(trialId, kind, value, at);
    });
  }

  metrics(trialId: string): MetricRecord[] {
    return this.guard(() => this.s.selectMetrics.all(trialId).map(toMetric));
  }

  latestMetrics(): MetricRecord[] {
    return this.guard(() => this.s.selectLatestMetrics.all().map(toMetric));
  }

  getMeta(key: string): unknown {
    return this.guard(() => {
      const text = this.s.getMeta.get(key);
      return text === undefined ? undefined : JSON.parse(text) as unknown;
    });
  }

  setMeta(key: string, value: unknown): void {
    this.write('set bookkeeping data', () => {
      if (value === undefined) this.s.deleteMeta.run(key);
      else this.s.setMeta.run(key, JSON.stringify(value));
    });
  }

  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }

  flush(): void {
    if (this.groupCommitDelayMs === undefined || !this.db.open || !this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      throw translateSqliteError(err, this.ctx);
    }
    this.hooks.onCommit?.();
  }

  /** The scheduled end of a group-commit batch. */
  private commitBatch(): void {
    this.commitScheduled = false;
    this.flush();
  }

  private experimentRow(): ExperimentRow {
    const row = this.s.selectExperiment.get();
    if (row === undefined) throw this.noExperiment();
    return row;
  }

  private cached(sql: string): BetterSqlite3.Statement<unknown[], unknown> {
    let stmt = this.listCache.get(sql);
    if (stmt === undefined) this.listCache.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  private noExperiment(): NotFoundError {
    return new NotFoundError(`${this.ctx.dbPath} holds no experiment yet; create it first`);
  }

  private noTrial(id: string): NotFoundError {
    return new NotFoundError(`trial ${id} not found in ${this.ctx.dbPath}; list trials with \`nasctl trial ls\``);
  }

  /** Runs a read, translating SQLite failures into StoreError. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateSqliteError(err, this.ctx);
    }
  }

  /** Runs a write: refused up front on a read-only store, else like guard. */
  private write<T>(what: string, fn: () => T): T {
    if (this.ctx.readOnly) {
      throw new StoreError(
        `cannot ${what}: ${this.ctx.dbPath} was opened read-only (view mode); ` +
        `use \`nasctl resume ${this.ctx.experimentId ?? 'ID'}\` to modify the experiment`,
      );
    }
    if (this.groupCommitDelayMs !== undefined && !this.db.inTransaction) {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      this.hooks.onBatchOpen?.();
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        if (this.groupCommitDelayMs > 0) setTimeout(() => this.commitBatch(), this.groupCommitDelayMs);
        else setImmediate(() => this.commitBatch());
      }
    }
    return this.guard(fn);
  }
}
