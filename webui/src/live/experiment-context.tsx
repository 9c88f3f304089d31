import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ExperimentDetail, LiveDelta } from '../api/types';
import { useServices } from '../app-context';
import { throttle } from '../lib/throttle';

/** Live state of the experiment being viewed, shared by its tabs. */
export interface ExperimentLive {
  id: string;
  detail?: ExperimentDetail;
  error?: string;
  /** Reloads the detail through REST now. */
  reload(): void;
  /** Replaces the detail (after a PATCH/stop/resume answered with the new one). */
  setDetail(d: ExperimentDetail): void;
  /**
   * Receives this experiment's deltas (batched) and `null` on a reset (reload everything).
   * Returns the unsubscribe function.
   */
  onDeltas(l: (deltas: LiveDelta[] | null) => void): () => void;
}

const Ctx = createContext<ExperimentLive | null>(null);

/**
 * `next`, keeping the config object of `old` while the experiment and its config revision are the
 * same: pages memoize on the config (table columns, charts over every trial, the architecture),
 * and a reload brings a new but equal object every second while trials run.
 */
function keepConfig(old: ExperimentDetail | undefined, next: ExperimentDetail): ExperimentDetail {
  if (!old || old.record.id !== next.record.id || old.record.configRevision !== next.record.configRevision) return next;
  return { ...next, record: { ...next.record, config: old.record.config } };
}

/**
 * Loads experiment `id` and keeps it current from live deltas: experiment deltas apply at once;
 * trial deltas trigger a throttled reload (counts, best metric, wait reasons) at most once per
 * second, however many arrive. Wraps every page of one experiment.
 */
export function ExperimentProvider({ id, children }: { id: string; children: ReactNode }) {
  const { api, live } = useServices();
  const [detail, setDetailState] = useState<ExperimentDetail>();
  const [error, setError] = useState<string>();
  const listeners = useRef(new Set<(d: LiveDelta[] | null) => void>());
  const setDetail = useCallback((d: ExperimentDetail) => setDetailState((old) => keepConfig(old, d)), []);

  const reload = useCallback(() => {
    api.getExperiment(id).then((d) => {
      setDetail(d);
      setError(undefined);
    }, (e: Error) => setError(e.message));
  }, [api, id, setDetail]);

  useEffect(() => {
    setDetailState(undefined);
    const refresh = throttle(reload, 1000);
    const unsub = live.subscribe(id, (deltas) => {
      let exp: LiveDelta | undefined;
      let trials = false;
      for (const d of deltas) {
        if (d.type === 'experiment') exp = d;
        else if (d.type === 'trial') trials = true;
      }
      if (exp && exp.type === 'experiment') {
        const rec = exp.experiment;
        setDetailState((old) => (old ? keepConfig(old, { ...old, record: rec, status: rec.status, error: rec.error, endedAt: rec.endedAt, startedAt: rec.startedAt }) : old));
      }
      if (trials || exp) refresh();
      listeners.current.forEach((l) => l(deltas));
    }, () => {
      reload();
      listeners.current.forEach((l) => l(null));
    });
    reload();
    return () => {
      unsub();
      refresh.cancel();
    };
  }, [id, live, reload]);

  const onDeltas = useCallback((l: (d: LiveDelta[] | null) => void) => {
    listeners.current.add(l);
    return () => {
      listeners.current.delete(l);
    };
  }, []);

  const value = useMemo<ExperimentLive>(() => ({ id, detail, error, reload, setDetail, onDeltas }), [id, detail, error, reload, setDetail, onDeltas]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The viewed experiment; only inside ExperimentProvider (throws otherwise). */
export function useExperiment(): ExperimentLive {
  const v = useContext(Ctx);
  if (!v) throw new Error('useExperiment outside ExperimentProvider');
  return v;
}
