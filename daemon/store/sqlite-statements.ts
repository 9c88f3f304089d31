import type BetterSqlite3 from 'better-sqlite3';
import type { EventRow, ExperimentRow, MetricRow, RevisionRow, TrialRow } from './sqlite-rows';

type Stmt<P extends unknown[] | object, R = unknown> = BetterSqlite3.Statement<P extends unknown[] ? P : [P], R>;
type Val = string | number | null;

/** Named parameters of the trial compare-and-set. */
export interface CasParams {
  id: string; from: string; to: string; startedAt: number | null; endedAt: number | null; exitCode: number | null;
  signal: string | null; reason: string | null; gpuIndices: string | null;
}

/** Named parameters of an experiment status change. */
export interface StatusParams {
  status: string; error: string | null; startedAt: number | null; setEnded: number; endedAt: number | null;
}

/** Every fixed statement of the SQLite store, prepared once per connection. */
export interface SqliteStatements {
  insertExperiment: Stmt<[string, string, number, string], ExperimentRow>;
  selectExperiment: Stmt<[], ExperimentRow>;
  setExperimentStatus: Stmt<StatusParams, ExperimentRow>;
  addActiveMs: Stmt<[number]>;
  setExperimentConfig: Stmt<[string, number]>;
  insertRevision: Stmt<[number, string, number]>;
  selectRevisions: Stmt<[], RevisionRow>;
  nextSequence: Stmt<[], number>;
  insertTrial: Stmt<[number, string, string, string, Val, number, number, string], TrialRow>;
  casTrial: Stmt<CasParams, TrialRow>;
  trialExists: Stmt<[string], number>;
  setWaitReason: Stmt<[Val, string]>;
  selectTrial: Stmt<[string], TrialRow>;
  selectAllTrials: Stmt<[], TrialRow>;
  countByStatus: Stmt<[], { status: string; n: number }>;
  insertEvent: Stmt<[string, Val, string, number, Val]>;
  selectEvents: Stmt<[], EventRow>;
  selectTrialEvents: Stmt<[string], EventRow>;
  nextMetricSeq: Stmt<[string], number>;
  insertMetric: Stmt<[string, number, string, string, number]>;
  bumpIntermediate: Stmt<[string]>;
  setFinal: Stmt<[string, number, string]>;
  selectMetrics: Stmt<[string], MetricRow>;
  selectLatestMetrics: Stmt<[], MetricRow>;
  getMeta: Stmt<[string], string>;
  setMeta: Stmt<[string, string]>;
  deleteMeta: Stmt<[string]>;
}

/**
 * Prepares the store's statements. Called once by the SQLite store's constructor, after the
 * schema is at SCHEMA_VERSION. Write statements prepare fine on a read-only connection (they
 * fail only when run).
 */
export function prepareStatements(db: BetterSqlite3.Database): SqliteStatements {
  const p = <S>(sql: string): S => db.prepare(sql) as unknown as S;
  return {
    insertExperiment: p(`INSERT INTO experiment (id, name, status, created_at, config, config_revision, active_ms)
      VALUES (?, ?, 'RUNNING', ?, ?, 1, 0) RETURNING *`),
    selectExperiment: p('SELECT * FROM experiment LIMIT 1'),
    setExperimentStatus: p(`UPDATE experiment SET status = @status, error = @error,
      started_at = COALESCE(@startedAt, started_at),
      ended_at = CASE WHEN @setEnded THEN @endedAt ELSE ended_at END RETURNING *`),
    addActiveMs: p('UPDATE experiment SET active_ms = active_ms + ?'),
    setExperimentConfig: p('UPDATE experiment SET config = ?, config_revision = ?'),
    insertRevision: p('INSERT INTO config_revisions (revision, config, at) VALUES (?, ?, ?)'),
    selectRevisions: p('SELECT * FROM config_revisions ORDER BY revision'),
    nextSequence: p<Stmt<[], number>>('SELECT COALESCE(MAX(sequence) + 1, 0) FROM trials').pluck(),
    insertTrial: p(`INSERT INTO trials (sequence, id, parameters, source, retry_of, attempt, status, created_at, trial_dir)
      VALUES (?, ?, ?, ?, ?, ?, 'WAITING', ?, ?) RETURNING *`),
    casTrial: p(`UPDATE trials SET status = @to, wait_reason = NULL,
      started_at = COALESCE(@startedAt, started_at), ended_at = COALESCE(@endedAt, ended_at),
      exit_code = COALESCE(@exitCode, exit_code), signal = COALESCE(@signal, signal),
      reason = COALESCE(@reason, reason), gpu_indices = COALESCE(@gpuIndices, gpu_indices)
      WHERE id = @id AND status = @from RETURNING *`),
    trialExists: p<Stmt<[string], number>>('SELECT 1 FROM trials WHERE id = ?').pluck(),
    setWaitReason: p("UPDATE trials SET wait_reason = ? WHERE id = ? AND status = 'WAITING'"),
    selectTrial: p('SELECT * FROM trials WHERE id = ?'),
    selectAllTrials: p('SELECT * FROM trials ORDER BY sequence'),
    countByStatus: p('SELECT status, count(*) AS n FROM trials GROUP BY status'),
    insertEvent: p('INSERT INTO trial_events (trial_id, from_status, to_status, at, reason) VALUES (?, ?, ?, ?, ?)'),
    selectEvents: p('SELECT * FROM trial_events ORDER BY seq'),
    selectTrialEvents: p('SELECT * FROM trial_events WHERE trial_id = ? ORDER BY seq'),
    nextMetricSeq: p<Stmt<[string], number>>('SELECT COALESCE(MAX(seq) + 1, 0) FROM metrics WHERE trial_id = ?').pluck(),
    insertMetric: p('INSERT INTO metrics (trial_id, seq, kind, value, at) VALUES (?, ?, ?, ?, ?)'),
    bumpIntermediate: p('UPDATE trials SET intermediate_count = intermediate_count + 1 WHERE id = ?'),
    setFinal: p('UPDATE trials SET final_metric = ?, final_default = ? WHERE id = ?'),
    selectMetrics: p('SELECT * FROM metrics WHERE trial_id = ? ORDER BY seq'),
    selectLatestMetrics: p(`SELECT m.* FROM trials t JOIN metrics m ON m.trial_id = t.id
      AND m.seq = (SELECT MAX(seq) FROM metrics m2 WHERE m2.trial_id = t.id) ORDER BY t.sequence`),
    getMeta: p<Stmt<[string], string>>('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    deleteMeta: p('DELETE FROM meta WHERE key = ?'),
  };
}
