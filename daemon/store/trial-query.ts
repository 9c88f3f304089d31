import { BadRequestError } from '../errors';
import { TRIAL_STATUSES, type TrialQuery, type TrialSortKey, type TrialStatus } from './types';

/** Page size when a query names no limit. */
export const DEFAULT_TRIAL_LIMIT = 100;
/** Largest page a query may ask for. */
export const MAX_TRIAL_LIMIT = 10_000;

const SORT_KEYS: readonly TrialSortKey[] = [
  'sequence', 'status', 'createdAt', 'startedAt', 'endedAt', 'duration', 'finalMetric',
];

/**
 * A TrialQuery that may also sort by a search-space parameter or a dict-metric key (the REST
 * query's `sortParam` / `sortMetric`). Stores receive it typed as TrialQuery and read the extra
 * fields in normalizeTrialQuery (the contract type TrialQuery lacks them; see docs/rest-api.md).
 */
export interface KeyedTrialQuery extends TrialQuery {
  /** Sort by this parameter's value (a choice's `_value`); overrides `sort`. */
  sortParam?: string;
  /** Sort by this key of the final metric (`default` = the metric itself); overrides `sort`. */
  sortMetric?: string;
}

/** Characters a sortParam / sortMetric key may not contain (they go into a JSON path literal). */
const BAD_KEY = /["'\\\u0000-\u001f]/;

/** A TrialQuery with defaults applied and values checked; what both stores execute. */
export interface NormalizedTrialQuery {
  /** Undefined = any status. An empty list matches nothing. */
  status?: TrialStatus[];
  metricMin?: number;
  metricMax?: number;
  /**
   * Already lower-cased with asciiLower; undefined when absent or empty. Matches a substring of
   * the trial's search text (trialSearchText: its id or one of its parameter values).
   */
  search?: string;
  sort: TrialSortKey;
  /** When set, the sort is by this parameter's value instead of `sort`. */
  sortParam?: string;
  /** When set, the sort is by this key of the final metric instead of `sort`. */
  sortMetric?: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/**
 * Applies defaults (sort by sequence ascending, offset 0, limit 100) and checks a trial query.
 * Called by every store's listTrials before running it. Throws BadRequestError naming the field
 * for an unknown status or sort key, a negative or fractional offset/limit, or a limit above 10,000.
 */
export function normalizeTrialQuery(q: KeyedTrialQuery = {}): NormalizedTrialQuery {
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
  if (q.sortParam !== undefined && q.sortMetric !== undefined) {
    throw new BadRequestError('sortParam', 'give sortParam or sortMetric, not both');
  }
  for (const key of ['sortParam', 'sortMetric'] as const) {
    const v = q[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 200 || BAD_KEY.test(v)) {
      throw new BadRequestError(key, `${key} must be a key of 1 to 200 characters without quotes, backslashes or control characters, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
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

/**
 * The text a trial search looks in: the lower-cased (asciiLower) id, then one line per parameter
 * value — a choice's `_value` (a string as is, anything else as JSON text), a plain string as is,
 * any other value as JSON text. The SQLite store keeps the same text in its trial_search table
 * (migration 2); both must agree. Called by the in-memory store's search. Pure.
 */
export function trialSearchText(id: string, parameters: Readonly<Record<string, unknown>>): string {
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const lines = Object.values(parameters).map((v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && '_value' in v) {
      return text((v as { _value: unknown })._value);
    }
    return text(v);
  });
  return asciiLower([id, ...lines].join('\n'));
}

/**
 * Sort value of a parameter (a choice's `_value` when not null, else the value), as SQLite's JSON
 * functions give it: numbers and strings as they are, booleans as 1 / 0, arrays and objects as
 * JSON text, null or missing as undefined (sorted last). The SQLite store keeps the same values in
 * its trial_params table (migration 3); both must agree. Called by the in-memory store. Pure.
 */
export function parameterSortValue(v: unknown): number | string | undefined {
  const x = v !== null && typeof v === 'object' && !Array.isArray(v) && '_value' in v ? (v as { _value: unknown })._value : v;
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'number' || typeof x === 'string') return x;
  return JSON.stringify(x);
}

/**
 * Order of two sort values as SQLite orders them: numbers before strings, numbers by value,
 * strings by code unit (BINARY collation for the ASCII keys of search spaces). Pure.
 */
export function compareSortValues(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort rank of a status when sorting by status: lifecycle order (WAITING first). */
export function statusRank(status: TrialStatus): number {
  return TRIAL_STATUSES.indexOf(status);
}
