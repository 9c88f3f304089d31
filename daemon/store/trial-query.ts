import { BadRequestError } from '../errors';
import { TRIAL_STATUSES, type TrialQuery, type TrialSortKey, type TrialStatus } from './types';

/** Page size when a query names no limit. */
export const DEFAULT_TRIAL_LIMIT = 100;
/** Largest page a query may ask for. */
export const MAX_TRIAL_LIMIT = 10_000;

const SORT_KEYS: readonly TrialSortKey[] = [
  'sequence', 'status', 'createdAt', 'startedAt', 'endedAt', 'duration', 'finalMetric',
];

/** A TrialQuery with defaults applied and values checked; what both stores execute. */
export interface NormalizedTrialQuery {
  /** Undefined = any status. An empty list matches nothing. */
  status?: TrialStatus[];
  metricMin?: number;
  metricMax?: number;
  /** Already lower-cased with asciiLower; undefined when absent or empty. */
  search?: string;
  sort: TrialSortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/**
 * Applies defaults (sort by sequence ascending, offset 0, limit 100) and checks a trial query.
 * Called by every store's listTrials before running it. Throws BadRequestError naming the field
 * for an unknown status or sort key, a negative or fractional offset/limit, or a limit above 10,000.
 */
export function normalizeTrialQuery(q: TrialQuery = {}): NormalizedTrialQuery {
  const out: NormalizedTrialQuery = {
    sort: q.sort ?? 'sequence',
    order: q.order ?? 'asc',
    offset: q.offset ?? 0,
    limit: q.limit ?? DEFAULT_TRIAL_LIMIT,
  };
  if (!SORT_KEYS.includes(out.sort)) {
    throw new BadRequestError('sort', `unknown sort key "${String(out.sort)}"; use one of ${SORT_KEYS.join(', ')}`);
  }
  if (out.order !== 'asc' && out.order !== 'desc') {
    throw new BadRequestError('order', `order must be "asc" or "desc", got "${String(out.order)}"`);
  }
  if (!Number.isInteger(out.offset) || out.offset < 0) {
    throw new BadRequestError('offset', `offset must be a non-negative integer, got ${out.offset}`);
  }
  if (!Number.isInteger(out.limit) || out.limit < 0 || out.limit > MAX_TRIAL_LIMIT) {
    throw new BadRequestError('limit', `limit must be an integer from 0 to ${MAX_TRIAL_LIMIT}, got ${out.limit}; page with offset for more`);
  }
  if (q.status !== undefined) {
    for (const s of q.status) {
      if (!TRIAL_STATUSES.includes(s)) {
        throw new BadRequestError('status', `unknown trial status "${String(s)}"; use one of ${TRIAL_STATUSES.join(', ')}`);
      }
    }
    out.status = [...new Set(q.status)];
  }
  for (const key of ['metricMin', 'metricMax'] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new BadRequestError(key, `${key} must be a number, got ${String(v)}`);
    }
    out[key] = v;
  }
  if (q.search !== undefined && q.search !== '') out.search = asciiLower(q.search);
  return out;
}

/**
 * Lower-cases ASCII letters only, exactly like SQLite's lower(), so that the in-memory and the
 * SQLite store agree on case-insensitive search.
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Sort rank of a status when sorting by status: lifecycle order (WAITING first). */
export function statusRank(status: TrialStatus): number {
  return TRIAL_STATUSES.indexOf(status);
}
