import { TRIAL_STATUSES, type TrialSortKey } from './types';
import type { NormalizedTrialQuery } from './trial-query';

/** The SQL of one listTrials call: a page query and a count query sharing `params`. */
export interface TrialListSql {
  pageSql: string;
  countSql: string;
  /** Bound to every query here; the page queries also take limit and offset after them. */
  params: Array<string | number>;
  /**
   * Only when sorting by a parameter (sortParam): `pageSql` then pages through the trials that
   * have a value for the key, in the order of the trial_params index (migration 3); these two
   * queries count them and page through the others (no value: sorted last, by sequence).
   */
  unvalued?: { valuedCountSql: string; pageSql: string };
}

/** The rows of one page and the total matches: what listTrialRows returns. */
export interface TrialListRows<Row> {
  rows: Row[];
  total: number;
}

/** A prepared-statement source (the SQLite store's per-SQL-text cache; also readTrialChartRows'). */
export type PrepareListSql = (sql: string) => {
  all(...params: Array<string | number>): unknown[];
  pluck(): { get(...params: Array<string | number>): unknown };
};

const STATUS_RANK_SQL = `CASE status ${TRIAL_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/** Sort expression per key, and whether it can be NULL (NULLs always sort last). */
const SORT_SQL: Record<TrialSortKey, { expr: string; nullable: boolean }> = {
  sequence: { expr: 'sequence', nullable: false },
  status: { expr: STATUS_RANK_SQL, nullable: false },
  createdAt: { expr: 'created_at', nullable: false },
  startedAt: { expr: 'started_at', nullable: true },
  endedAt: { expr: 'ended_at', nullable: true },
  duration: { expr: '(ended_at - started_at)', nullable: true },
  finalMetric: { expr: 'final_default', nullable: true },
};

/**
 * Sort expression of a query. A parameter / metric key goes into a JSON path literal (it cannot be
 * bound: the count query shares the parameters); normalizeTrialQuery has rejected quotes,
 * backslashes and control characters in it, so the literal is safe, and the set of SQL texts
 * stays bounded by the keys of one experiment.
 */
function sortSql(q: NormalizedTrialQuery): { expr: string; nullable: boolean } {
  if (q.sortParam !== undefined) {
    // The values trial_params holds, computed per row (few matches, or a schema-2 database opened read-only).
    const path = `$."${q.sortParam}"`;
    const expr = `CASE WHEN json_type(parameters, '${path}._value') IS NOT NULL THEN json_extract(parameters, '${path}._value') ELSE json_extract(parameters, '${path}') END`;
    return { expr, nullable: true };
  }
  if (q.sortMetric !== undefined) {
    if (q.sortMetric === 'default') return SORT_SQL.finalMetric;
    return { expr: `json_extract(final_metric, '$."${q.sortMetric}"')`, nullable: true };
  }
  return SORT_SQL[q.sort];
}

/** The filter part of a query: its WHERE clause, the count query, and the parameters both bind. */
interface TrialFilterSql {
  whereSql: string;
  countSql: string;
  params: Array<string | number>;
}

function trialFilterSql(q: NormalizedTrialQuery): TrialFilterSql {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (q.status !== undefined) {
    if (q.status.length === 0) where.push('0');
    else {
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      params.push(...q.status);
    }
  }
  if (q.metricMin !== undefined) { where.push('final_default >= ?'); params.push(q.metricMin); }
  if (q.metricMax !== undefined) { where.push('final_default <= ?'); params.push(q.metricMax); }
  // The search reads trial_search (migration 2): ~200 bytes of lower-cased text per trial instead
  // of lower() over each parameters JSON, so even a search that scans all of them stays fast.
  const searchOnly = q.search !== undefined && where.length === 0;
  if (q.search !== undefined) {
    where.push('sequence IN (SELECT sequence FROM trial_search WHERE instr(text, ?) > 0)');
    params.push(q.search);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  // The same count for every sort; with the search alone, counting in trial_search avoids building the list of matches.
  const countSql = searchOnly ? 'SELECT count(*) FROM trial_search WHERE instr(text, ?) > 0' : `SELECT count(*) FROM trials${whereSql}`;
  return { whereSql, countSql, params };
}

/**
 * The page queries of `q` over the trials matching `whereSql`. `paramIndex`: a sort by a
 * parameter reads the trial_params index (paramSortSql) instead of every row's parameters.
 */
function trialPageSql(q: NormalizedTrialQuery, whereSql: string, paramIndex: boolean): Pick<TrialListSql, 'pageSql' | 'unvalued'> {
  if (q.sortParam !== undefined && paramIndex) return paramSortSql(q.sortParam, q.order, whereSql);
  const { expr, nullable } = sortSql(q);
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const orderSql = q.sort === 'sequence' && q.sortParam === undefined && q.sortMetric === undefined
    ? `sequence ${dir}`
    : `${expr} ${dir}${nullable ? ' NULLS LAST' : ''}, sequence ASC`;
  return { pageSql: `SELECT * FROM trials${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?` };
}

/**
 * Builds the filtered, sorted, paged trial query (same semantics as selectTrials in memory).
 * `paramIndex` as in trialPageSql (it needs trial_params: schema 3). listTrialRows builds the
 * same pieces, choosing `paramIndex` from the count. The SQL text depends only on which filters
 * are present and the sort (the SQLite store caches a prepared statement per text). Pure.
 */
export function trialListSql(q: NormalizedTrialQuery, paramIndex = true): TrialListSql {
  const { whereSql, countSql, params } = trialFilterSql(q);
  return { ...trialPageSql(q, whereSql, paramIndex), countSql, params };
}

/**
 * The page queries of a sort by a parameter. The trials with a value for `key` are read from
 * trial_params in index order (key, value, sequence): only sequences, with the filters applied as
 * one `sequence IN (matching trials)` set, so OFFSET skips index entries instead of trial rows;
 * then only the page's trial rows are joined. Descending keeps ties in ascending sequence (SQLite
 * sorts each run of equal values, a few thousand sequences). The key is a SQL literal:
 * normalizeTrialQuery rejected quotes in it.
 */
function paramSortSql(key: string, order: 'asc' | 'desc', whereSql: string): Pick<TrialListSql, 'pageSql' | 'unvalued'> {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const matching = whereSql === '' ? '' : ` AND sequence IN (SELECT sequence FROM trials${whereSql})`;
  const valued = `FROM trial_params WHERE key = '${key}'${matching}`;
  const valuedSet = `SELECT sequence FROM trial_params WHERE key = '${key}'`;
  return {
    pageSql: `SELECT t.* FROM (SELECT sequence, value ${valued} ORDER BY value ${dir}, sequence ASC LIMIT ? OFFSET ?) AS p
      JOIN trials AS t ON t.sequence = p.sequence ORDER BY p.value ${dir}, p.sequence ASC`,
    unvalued: {
      valuedCountSql: `SELECT count(*) ${valued}`,
      pageSql: `SELECT * FROM trials${whereSql === '' ? ' WHERE' : `${whereSql} AND`} sequence NOT IN (${valuedSet}) ORDER BY sequence ASC LIMIT ? OFFSET ?`,
    },
  };
}

/**
 * Up to this many matching trials, a sort by a parameter reads the values per row instead of the
 * index. The SQLite store passes Infinity for a schema-2 database opened read-only (no trial_params).
 */
export const ROW_SORT_LIMIT = 5000;

/**
 * Runs a trial query: one page of rows in order, and the total. For a sort by a parameter over
 * more than `rowSortLimit` matching trials it reads the trial_params index and, when the page runs
 * past the trials that have a value, continues with those that have none (NULLS LAST, by
 * sequence), like the in-memory store; up to `rowSortLimit` it sorts by the value read per row.
 * Called by the SQLite store's listTrials inside its error guard; throws what better-sqlite3 throws.
 */
export function listTrialRows<Row>(q: NormalizedTrialQuery, prepare: PrepareListSql, rowSortLimit = ROW_SORT_LIMIT): TrialListRows<Row> {
  const { whereSql, countSql, params } = trialFilterSql(q);
  const total = prepare(countSql).pluck().get(...params) as number;
  // A narrow filter (a search, a status) leaves few trials: sorting just those by the value read
  // per row is cheaper than walking the key's whole index and the set of unvalued trials
  // (measured: a search matching one trial among 100,000, sorted by a choice, took ~1 s).
  const sql = trialPageSql(q, whereSql, total > rowSortLimit);
  const rows = prepare(sql.pageSql).all(...params, q.limit, q.offset) as Row[];
  if (sql.unvalued !== undefined && rows.length < q.limit) {
    const valued = prepare(sql.unvalued.valuedCountSql).pluck().get(...params) as number;
    const more = prepare(sql.unvalued.pageSql).all(...params, q.limit - rows.length, Math.max(0, q.offset - valued)) as Row[];
    rows.push(...more);
  }
  return { rows, total };
}
