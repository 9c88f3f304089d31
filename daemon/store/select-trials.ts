import type { TrialPage, TrialRecord, TrialSortKey } from './types';
import { metricDefault } from './metric-value';
import { asciiLower, statusRank, type NormalizedTrialQuery } from './trial-query';

/**
 * Filters, sorts and pages trials in memory with the same semantics as the SQLite store's SQL:
 * status list, inclusive range on the final metric's default value (trials without a final
 * metric never match a range), case-insensitive substring search on id or parameters JSON,
 * missing sort values last in either order, ties broken by sequence ascending.
 * Called by the in-memory store's listTrials. Pure; returns the given records (no copies).
 */
export function selectTrials(trials: readonly TrialRecord[], q: NormalizedTrialQuery): TrialPage {
  const statuses = q.status === undefined ? undefined : new Set(q.status);
  const matching = trials.filter((t) => {
    if (statuses !== undefined && !statuses.has(t.status)) return false;
    if (q.metricMin !== undefined || q.metricMax !== undefined) {
      if (t.finalMetric === undefined) return false;
      const v = metricDefault(t.finalMetric);
      if (q.metricMin !== undefined && v < q.metricMin) return false;
      if (q.metricMax !== undefined && v > q.metricMax) return false;
    }
    if (q.search !== undefined) {
      const needle = q.search;
      if (!asciiLower(t.id).includes(needle) && !asciiLower(JSON.stringify(t.parameters)).includes(needle)) return false;
    }
    return true;
  });
  const sign = q.order === 'asc' ? 1 : -1;
  const sorted = matching
    .map((t) => ({ t, key: sortValue(t, q.sort) }))
    .sort((a, b) => {
      if (a.key === undefined || b.key === undefined) {
        if (a.key !== b.key) return a.key === undefined ? 1 : -1;
      } else if (a.key !== b.key) {
        return a.key < b.key ? -sign : sign;
      }
      return a.t.sequence - b.t.sequence;
    })
    .map((x) => x.t);
  return { items: sorted.slice(q.offset, q.offset + q.limit), total: matching.length };
}

function sortValue(t: TrialRecord, key: TrialSortKey): number | undefined {
  switch (key) {
    case 'sequence': return t.sequence;
    case 'status': return statusRank(t.status);
    case 'createdAt': return t.createdAt;
    case 'startedAt': return t.startedAt;
    case 'endedAt': return t.endedAt;
    case 'duration':
      return t.startedAt === undefined || t.endedAt === undefined ? undefined : t.endedAt - t.startedAt;
    case 'finalMetric': return t.finalMetric === undefined ? undefined : metricDefault(t.finalMetric);
  }
}
