import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors';

/** One step of the experiment database schema. Applied in order; never edited once released. */
export interface Migration {
  /** The `PRAGMA user_version` after this step (1, 2, ...). */
  version: number;
  /** The nasctl release that introduced it, named in "upgrade nasctl" messages. */
  nasctlVersion: string;
  description: string;
  sql: string;
}

/** Marks a SQLite file as a nasctl experiment database (`PRAGMA application_id`, "nasc"). */
export const NASCTL_APPLICATION_ID = 0x6e617363;

/**
 * SQL of a trial's search text (see trialSearchText in trial-query.ts, which the in-memory store
 * uses; both must agree): lower-cased id, then each parameter's value on its own line — a
 * choice's `_value` (strings unquoted, anything else as its JSON text), a plain string unquoted,
 * any other value as its JSON text. `p` and `id` are the SQL of the parameters and id columns.
 */
function searchTextSql(p: string, id: string): string {
  return `lower(${id} || char(10) || COALESCE((SELECT group_concat(CASE
      WHEN j.type = 'object' AND json_type(j.value, '$._value') IS NOT NULL THEN
        CASE json_type(j.value, '$._value') WHEN 'text' THEN j.value ->> '$._value' ELSE j.value -> '$._value' END
      WHEN j.type = 'text' THEN j.atom
      ELSE ${p} -> j.fullkey END, char(10)) FROM json_each(${p}) AS j), ''))`;
}

/**
 * SQL of a parameter's sort value for one row `j` of json_each over a trial's parameters (see
 * parameterSortValue in trial-query.ts, which the in-memory store uses; both must agree): a
 * choice's `_value` when it is not null, else the value itself — numbers as numbers, strings as
 * text, booleans as 1 / 0, arrays and objects as their JSON text, null as NULL (no row is kept).
 */
const PARAM_SORT_VALUE_SQL = `CASE WHEN j.type = 'object' AND json_type(j.value, '$._value') IS NOT NULL
      THEN j.value ->> '$._value' ELSE j.value END`;

/** Every schema step, oldest first. Append new steps; never change released ones. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    nasctlVersion: '0.1.0',
    description: 'experiment, config revisions, trials, trial events, metrics, meta',
    sql: `
      CREATE TABLE experiment (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        active_ms INTEGER NOT NULL DEFAULT 0,
        config TEXT NOT NULL,
        config_revision INTEGER NOT NULL
      );
      CREATE TABLE config_revisions (
        revision INTEGER PRIMARY KEY,
        config TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE trials (
        sequence INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        parameters TEXT NOT NULL,
        source TEXT NOT NULL,
        retry_of TEXT,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        wait_reason TEXT,
        exit_code INTEGER,
        signal TEXT,
        reason TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        final_metric TEXT,
        final_default REAL,
        intermediate_count INTEGER NOT NULL DEFAULT 0,
        gpu_indices TEXT,
        trial_dir TEXT NOT NULL
      );
      CREATE INDEX trials_status ON trials (status, sequence);
      CREATE INDEX trials_final_default ON trials (final_default);
      CREATE TABLE trial_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        trial_id TEXT NOT NULL REFERENCES trials (id),
        from_status TEXT,
        to_status TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT
      );
      CREATE INDEX trial_events_trial ON trial_events (trial_id, seq);
      CREATE TABLE metrics (
        trial_id TEXT NOT NULL REFERENCES trials (id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('intermediate', 'final')),
        value TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (trial_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      PRAGMA application_id = ${NASCTL_APPLICATION_ID};
    `,
  },
  {
    version: 2,
    nasctlVersion: '0.1.0',
    description: 'trial_search: compact lower-cased search text per trial (id and parameter values), kept by a trigger',
    sql: `
      CREATE TABLE trial_search (
        sequence INTEGER PRIMARY KEY REFERENCES trials (sequence),
        text TEXT NOT NULL
      );
      INSERT INTO trial_search (sequence, text) SELECT sequence, ${searchTextSql('parameters', 'id')} FROM trials;
      CREATE TRIGGER trials_search_insert AFTER INSERT ON trials BEGIN
        INSERT INTO trial_search (sequence, text) VALUES (NEW.sequence, ${searchTextSql('NEW.parameters', 'NEW.id')});
      END;
    `,
  },
  {
    version: 3,
    nasctlVersion: '0.1.0',
    description: 'trial_params: one row per (trial, parameter key) with its sort value, indexed for sorting by a choice, kept by a trigger; parameters are immutable',
    // WITHOUT ROWID: the table is its own index on (key, value, sequence), so a page sorted by a
    // choice is read in index order. `value` has no declared type (no affinity): numbers stay
    // numbers and strings text, so SQLite orders them as json_extract's values (numbers first).
    sql: `
      CREATE TABLE trial_params (
        key TEXT NOT NULL,
        value NOT NULL,
        sequence INTEGER NOT NULL REFERENCES trials (sequence),
        PRIMARY KEY (key, value, sequence)
      ) WITHOUT ROWID;
      INSERT INTO trial_params (key, value, sequence)
        SELECT j.key, ${PARAM_SORT_VALUE_SQL} AS v, t.sequence FROM trials AS t, json_each(t.parameters) AS j WHERE v IS NOT NULL;
      CREATE TRIGGER trials_params_insert AFTER INSERT ON trials BEGIN
        INSERT INTO trial_params (key, value, sequence)
          SELECT j.key, ${PARAM_SORT_VALUE_SQL} AS v, NEW.sequence FROM json_each(NEW.parameters) AS j WHERE v IS NOT NULL;
      END;
      CREATE TRIGGER trials_parameters_immutable BEFORE UPDATE OF parameters ON trials
        WHEN NEW.parameters IS NOT OLD.parameters BEGIN
        SELECT RAISE(ABORT, 'trial parameters never change after insert (trial_search and trial_params index them); add a new trial instead');
      END;
    `,
  },
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The first schema with the trial_params sort index (migration 3); older ones sort by a parameter's value read per row. */
export const PARAM_INDEX_SCHEMA_VERSION = 3;

/**
 * The oldest schema this code reads without migrating it (read-only opens: `view`, the daemon's
 * listing of experiments that do not run). Anything from here up reads the same tables; a
 * missing trial_params only makes sorting by a parameter slower.
 */
export const MIN_READABLE_SCHEMA_VERSION = 2;

/** The nasctl release of the newest known schema. */
export const SCHEMA_NASCTL_VERSION: string = MIGRATIONS[MIGRATIONS.length - 1]!.nasctlVersion;

/**
 * Brings a writable database up to SCHEMA_VERSION, one transaction per step (BEGIN IMMEDIATE, so
 * two processes opening the same file cannot both migrate). Called once by openSqliteStore after
 * checkSchemaVersion. Assumes the connection is open and writable.
 */
export function applyMigrations(db: BetterSqlite3.Database): void {
  for (const m of MIGRATIONS) {
    const step = db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
  }
}

/**
 * Checks that a database's schema can be used by this code. Called by openSqliteStore before it
 * migrates or reads. Throws StoreError when the file was written by a newer nasctl (upgrade), is
 * a foreign SQLite database, or (read-only) is older than MIN_READABLE_SCHEMA_VERSION and cannot
 * be migrated.
 */
export function checkSchemaVersion(db: BetterSqlite3.Database, dbPath: string, readOnly: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${dbPath} has schema version ${version}, written by a newer nasctl than this one ` +
      `(nasctl ${SCHEMA_NASCTL_VERSION} knows schema versions up to ${SCHEMA_VERSION}); ` +
      'upgrade nasctl (npm install -g nasctl@latest) to open this experiment',
    );
  }
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  if ((version > 0 && appId !== NASCTL_APPLICATION_ID) || (version === 0 && tables.n > 0)) {
    throw new StoreError(
      `${dbPath} is a SQLite database but not a nasctl experiment database; ` +
      'move it out of the experiment folder or point nasctl at the right folder',
    );
  }
  if (readOnly && version < MIN_READABLE_SCHEMA_VERSION) {
    throw new StoreError(
      `${dbPath} has schema version ${version}, older than this nasctl's ${SCHEMA_VERSION}, and was opened read-only; ` +
      'open it once for writing (e.g. `nasctl resume ID`) so it is upgraded, then view it again',
    );
  }
}
