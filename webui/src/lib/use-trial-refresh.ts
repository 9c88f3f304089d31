import { useEffect } from 'react';
import type { LiveDelta } from '../api/types';
import { useExperiment } from '../live/experiment-context';
import { throttle } from './throttle';

/** True for a batch with a trial or metric delta: useTrialRefresh's default test. Pure. */
export function hasTrialOrMetricDelta(deltas: readonly LiveDelta[]): boolean {
  return deltas.some((d) => d.type === 'trial' || d.type === 'metric');
}

/**
 * Calls `reload` when deltas of the viewed experiment for which `mayChange` holds arrive (by
 * default any trial or metric delta; at most once per `ms`) and on a reset; `reload` runs once at
 * mount too. For views that show query results.
 */
export function useTrialRefresh(reload: () => void, ms = 1000, mayChange: (deltas: readonly LiveDelta[]) => boolean = hasTrialOrMetricDelta): void {
  const { onDeltas } = useExperiment();
  useEffect(() => {
    const t = throttle(reload, ms);
    reload();
    const unsub = onDeltas((deltas) => {
      if (deltas === null || mayChange(deltas)) t();
    });
    return () => {
      unsub();
      t.cancel();
    };
  }, [onDeltas, reload, ms, mayChange]);
}
