import { TRIAL_STATUSES, type TrialSortKey } from './types';
import type { NormalizedTrialQuery } from './trial-query';

/** The SQL of one listTrials call: a page query and a count query sharing `params`. */
export interface TrialListSql {
  pageSql: string;
  countSql: string;
  /** Bound to both queries; the page query also takes limit and offset after them. */
  params: Array<string | number>;
}

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
    const path = `$."${q.sortParam}"`;
    return { expr: `COALESCE(json_extract(parameters, '${path}._value'), json_extract(parameters, '${path}'))`, nullable: true };
  }
  if (q.sortMetric !== undefined) {
    if (q.sortMetric === 'default') return SORT_SQL.finalMetric;
    return { expr: `json_extract(final_metric, '$."${q.sortMetric}"')`, nullable: true };
  }
  return SORT_SQL[q.sort];
}

/**
 * Builds the filtered, sorted, paged trial query (same semantics as selectTrials in memory).
 * Called by the SQLite store's listTrials, which caches a prepared statement per distinct SQL
 * text (a bounded set: it depends only on which filters are present and the sort). Pure.
 */
export function trialListSql(q: NormalizedTrialQuery): TrialListSql {
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
  const { expr, nullable } = sortSql(q);
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const orderSql = q.sort === 'sequence' && q.sortParam === undefined && q.sortMetric === undefined
    ? `sequence ${dir}`
    : `${expr} ${dir}${nullable ? ' NULLS LAST' : ''}, sequence ASC`;
  return {
    pageSql: `SELECT * FROM trials${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
    // With the search alone, counting in trial_search avoids building the list of matches.
    countSql: searchOnly ? 'SELECT count(*) FROM trial_search WHERE instr(text, ?) > 0' : `SELECT count(*) FROM trials${whereSql}`,
    params,
  };
}
