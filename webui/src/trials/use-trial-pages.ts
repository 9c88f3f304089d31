import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import type { LiveDelta, TrialQuery, TrialRecord } from '../api/types';
import { throttle } from '../lib/throttle';

/** Rows fetched per request. */
export const PAGE_SIZE = 200;

/** The table's data: total matches, rows by index (undefined = not loaded yet). */
export interface TrialPages {
  total: number | undefined;
  row(index: number): TrialRecord | undefined;
  /** Asks for the rows in [start, end] (the visible window); fetches missing pages. */
  ensure(start: number, end: number): void;
  /** Bumps on every change, so the table re-renders. */
  version: number;
  /** Time of the last complete answer of a query change, ms (for the benchmark). */
  lastRoundTripMs?: number;
  loading: boolean;
  error?: string;
}

/**
 * `next`, with each trial that equals its previous version replaced by that previous object, so
 * memoized rows of unchanged trials skip rendering after a refetch. Pure.
 */
export function keepUnchanged(prev: readonly TrialRecord[] | undefined, next: TrialRecord[]): TrialRecord[] {
  if (!prev || prev.length === 0) return next;
  const old = new Map(prev.map((t) => [t.id, t]));
  return next.map((t) => {
    const o = old.get(t.id);
    return o !== undefined && JSON.stringify(o) === JSON.stringify(t) ? o : t;
  });
}

/**
 * Server-side paged rows of GET /trials for `query`: pages of PAGE_SIZE are fetched as they come
 * into view and cached; a query change drops the cache. Live trial deltas patch cached rows in
 * place at once, and a throttled refetch of the loaded pages (at most once per second) brings new
 * trials, order and totals up to date — no polling.
 */
export function useTrialPages(api: ApiClient, experimentId: string, query: TrialQuery,
  onDeltas: (l: (d: LiveDelta[] | null) => void) => () => void): TrialPages {
  const pages = useRef(new Map<number, TrialRecord[]>());
  const inflight = useRef(new Set<number>());
  const index = useRef(new Map<string, [number, number]>());
  const generation = useRef(0);
  const window_ = useRef<[number, number]>([0, 0]);
  const [total, setTotal] = useState<number>();
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [rtt, setRtt] = useState<number>();
  const queryKey = JSON.stringify(query);

  const fetchPage = useCallback((page: number, gen: number, started?: number) => {
    if (inflight.current.has(page)) return;
    inflight.current.add(page);
    api.listTrials(experimentId, { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then((res) => {
      if (gen !== generation.current) return;
      pages.current.set(page, keepUnchanged(pages.current.get(page), res.items));
      res.items.forEach((t, i) => index.current.set(t.id, [page, i]));
      setTotal(res.total);
      setError(undefined);
      setLoading(false);
      if (started !== undefined) setRtt(performance.now() - started);
      setVersion((v) => v + 1);
    }, (e: Error) => {
      if (gen === generation.current) {
        setError(e.message);
        setLoading(false);
      }
    }).finally(() => inflight.current.delete(page));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, experimentId, queryKey]);

  // A new query: drop everything, load the first page.
  useEffect(() => {
    generation.current++;
    pages.current.clear();
    inflight.current.clear();
    index.current.clear();
    setLoading(true);
    // A new query starts at the top (the table scrolls there): one request, not one for the old
    // scroll position (past the end of a narrower result) and then one for the top.
    window_.current = [0, 0];
    fetchPage(0, generation.current, performance.now());
  }, [fetchPage]);

  // Live: patch rows, then refetch the loaded visible pages (throttled).
  useEffect(() => {
    const refetch = throttle(() => {
      const gen = generation.current;
      const [s, e] = window_.current;
      const first = Math.floor(s / PAGE_SIZE);
      const last = Math.floor(Math.max(s, e) / PAGE_SIZE);
      for (const p of [...pages.current.keys()]) if (p < first || p > last) pages.current.delete(p);
      for (let p = first; p <= last; p++) fetchPage(p, gen);
    }, 1000);
    const unsub = onDeltas((deltas) => {
      if (deltas === null) {
        refetch();
        return;
      }
      let patched = false;
      let relevant = false;
      for (const d of deltas) {
        if (d.type !== 'trial') continue;
        relevant = true;
        const at = index.current.get(d.trial.id);
        const page = at && pages.current.get(at[0]);
        if (at && page && page[at[1]]?.id === d.trial.id) {
          page[at[1]] = d.trial;
          patched = true;
        }
      }
      if (patched) setVersion((v) => v + 1);
      if (relevant) refetch();
    });
    return () => {
      unsub();
      refetch.cancel();
    };
  }, [onDeltas, fetchPage]);

  // `ensure` keeps its identity across query changes: a new `ensure` would make the table call it
  // at once with the old scroll window (row 50,000 while the table scrolls back to the top), one
  // wasted request per visible page of the new query ahead of page 0 (the daemon answers them in
  // turn: ~60 ms each at 100,000 trials). The table calls it again when its window moves.
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const ensure = useCallback((start: number, end: number) => {
    window_.current = [start, end];
    const gen = generation.current;
    for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(end / PAGE_SIZE); p++) {
      if (!pages.current.has(p)) fetchRef.current(p, gen);
    }
  }, []);

  const row = useCallback((i: number) => pages.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE], []);
  return { total, row, ensure, version, loading, error, lastRoundTripMs: rtt };
}
