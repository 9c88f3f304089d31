import type { TrialSortKey, TrialStatus } from '../api/types';
import type { KeyedTrialQuery } from '../../../daemon/store/trial-query';
import { TRIAL_STATUS_LIST } from '../api/types';

/** The table's filters and sort, as kept in the page address (shareable). */
export interface TrialsView {
  status: TrialStatus[];
  sort: TrialSortKey;
  /** A search-space key to sort by instead of `sort` (the server sorts by its value). */
  sortParam?: string;
  order: 'asc' | 'desc';
  search: string;
  metricMin?: number;
  metricMax?: number;
}

const SORT_KEYS: readonly TrialSortKey[] = ['sequence', 'status', 'createdAt', 'startedAt', 'endedAt', 'duration', 'finalMetric'];

/** The number typed in `text` (a filter field or address parameter); undefined when blank or not a number. Pure. */
export function parseNumberText(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the view from a query string; unknown or malformed values fall back to defaults. Pure. */
export function parseTrialsView(search: string): TrialsView {
  const p = new URLSearchParams(search);
  const status = (p.get('status') ?? '').split(',').filter((s): s is TrialStatus => (TRIAL_STATUS_LIST as readonly string[]).includes(s));
  const sortRaw = p.get('sort') ?? 'sequence';
  const sort = (SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as TrialSortKey) : 'sequence';
  const order = p.get('order') === 'asc' ? 'asc' : 'desc';
  const sortParam = p.get('sortParam') || undefined;
  return { status, sort, sortParam, order, search: p.get('search') ?? '', metricMin: parseNumberText(p.get('metricMin')), metricMax: parseNumberText(p.get('metricMax')) };
}

/** Query string of a view (defaults left out; the router adds the page's `token`). Pure. */
export function trialsViewSearch(v: TrialsView): string {
  const p = new URLSearchParams();
  if (v.status.length) p.set('status', v.status.join(','));
  if (v.sortParam) p.set('sortParam', v.sortParam);
  else if (v.sort !== 'sequence') p.set('sort', v.sort);
  if (v.order !== 'desc') p.set('order', v.order);
  if (v.search) p.set('search', v.search);
  if (v.metricMin !== undefined) p.set('metricMin', String(v.metricMin));
  if (v.metricMax !== undefined) p.set('metricMax', String(v.metricMax));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The REST query of a view (without paging). A swapped metric range is put in order. Pure. */
export function viewQuery(v: TrialsView): KeyedTrialQuery {
  let { metricMin, metricMax } = v;
  if (metricMin !== undefined && metricMax !== undefined && metricMin > metricMax) [metricMin, metricMax] = [metricMax, metricMin];
  return {
    status: v.status.length ? v.status : undefined,
    sort: v.sortParam ? undefined : v.sort,
    sortParam: v.sortParam,
    order: v.order,
    search: v.search || undefined,
    metricMin,
    metricMax,
  };
}
