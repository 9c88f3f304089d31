import type { TrialPage, TrialRecord, TrialSortKey } from './types';
import { metricDefault } from './metric-value';
import { compareSortValues, parameterSortValue, statusRank, trialSearchText, type NormalizedTrialQuery } from './trial-query';

/**
 * Filters, sorts and pages trials in memory with the same semantics as the SQLite store's SQL:
 * status list, inclusive range on the final metric's default value (trials without a final
 * metric never match a range), case-insensitive substring search in trialSearchText (id or a parameter value),
 * sort by a column, a parameter (sortParam) or a metric key (sortMetric) as SQLite orders values,
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
      if (!trialSearchText(t.id, t.parameters).includes(needle)) return false;
    }
    return true;
  });
  const sign = q.order === 'asc' ? 1 : -1;
  const sorted = matching
    .map((t) => ({ t, key: keyOf(t, q) }))
    .sort((a, b) => {
      if (a.key === undefined || b.key === undefined) {
        if (a.key !== b.key) return a.key === undefined ? 1 : -1;
      } else {
        const c = compareSortValues(a.key, b.key);
        if (c !== 0) return c * sign;
      }
      return a.t.sequence - b.t.sequence;
    })
    .map((x) => x.t);
  return { items: sorted.slice(q.offset, q.offset + q.limit), total: matching.length };
}

function keyOf(t: TrialRecord, q: NormalizedTrialQuery): number | string | undefined {
  if (q.sortParam !== undefined) return parameterSortValue(t.parameters[q.sortParam]);
  if (q.sortMetric !== undefined) {
    const m = t.finalMetric;
    if (m === undefined) return undefined;
    if (q.sortMetric === 'default') return metricDefault(m);
    return typeof m === 'object' ? m[q.sortMetric] : undefined;
  }
  return sortValue(t, q.sort);
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
