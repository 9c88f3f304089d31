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
  if (q.search !== undefined) {
    where.push('(instr(lower(id), ?) > 0 OR instr(lower(parameters), ?) > 0)');
    params.push(q.search, q.search);
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const { expr, nullable } = SORT_SQL[q.sort];
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const orderSql = q.sort === 'sequence'
    ? `sequence ${dir}`
    : `${expr} ${dir}${nullable ? ' NULLS LAST' : ''}, sequence ASC`;
  return {
    pageSql: `SELECT * FROM trials${whereSql} ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
    countSql: `SELECT count(*) FROM trials${whereSql}`,
    params,
  };
}
