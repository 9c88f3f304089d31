import type { TrialQuery, TrialSortKey, TrialStatus } from '../api/types';
import { TRIAL_STATUS_LIST } from '../api/types';

/** The table's filters and sort, as kept in the page address (shareable). */
export interface TrialsView {
  status: TrialStatus[];
  sort: TrialSortKey;
  order: 'asc' | 'desc';
  search: string;
  metricMin?: number;
  metricMax?: number;
}

const SORT_KEYS: readonly TrialSortKey[] = ['sequence', 'status', 'createdAt', 'startedAt', 'endedAt', 'duration', 'finalMetric'];

/** Reads the view from a query string; unknown or malformed values fall back to defaults. Pure. */
export function parseTrialsView(search: string): TrialsView {
  const p = new URLSearchParams(search);
  const status = (p.get('status') ?? '').split(',').filter((s): s is TrialStatus => (TRIAL_STATUS_LIST as readonly string[]).includes(s));
  const sortRaw = p.get('sort') ?? 'sequence';
  const sort = (SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as TrialSortKey) : 'sequence';
  const order = p.get('order') === 'asc' ? 'asc' : p.get('order') === 'desc' ? 'desc' : sort === 'sequence' ? 'desc' : 'desc';
  const num = (k: string) => {
    const v = p.get(k);
    if (v === null || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  return { status, sort, order, search: p.get('search') ?? '', metricMin: num('metricMin'), metricMax: num('metricMax') };
}

/** Query string of a view (defaults left out); keeps a `token` parameter. Pure. */
export function trialsViewSearch(v: TrialsView, token?: string | null): string {
  const p = new URLSearchParams();
  if (v.status.length) p.set('status', v.status.join(','));
  if (v.sort !== 'sequence') p.set('sort', v.sort);
  if (v.order !== 'desc') p.set('order', v.order);
  if (v.search) p.set('search', v.search);
  if (v.metricMin !== undefined) p.set('metricMin', String(v.metricMin));
  if (v.metricMax !== undefined) p.set('metricMax', String(v.metricMax));
  if (token) p.set('token', token);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The REST query of a view (without paging). A swapped metric range is put in order. Pure. */
export function viewQuery(v: TrialsView): TrialQuery {
  let { metricMin, metricMax } = v;
  if (metricMin !== undefined && metricMax !== undefined && metricMin > metricMax) [metricMin, metricMax] = [metricMax, metricMin];
  return {
    status: v.status.length ? v.status : undefined,
    sort: v.sort,
    order: v.order,
    search: v.search || undefined,
    metricMin,
    metricMax,
  };
}
