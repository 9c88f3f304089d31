import { useEffect } from 'react';
import { useExperiment } from '../live/experiment-context';
import { throttle } from './throttle';

/**
 * Calls `reload` when trial or metric deltas of the viewed experiment arrive (at most once per
 * `ms`) and on a reset; `reload` runs once at mount too. For views that show query results.
 */
export function useTrialRefresh(reload: () => void, ms = 1000): void {
  const { onDeltas } = useExperiment();
  useEffect(() => {
    const t = throttle(reload, ms);
    reload();
    const unsub = onDeltas((deltas) => {
      if (deltas === null || deltas.some((d) => d.type === 'trial' || d.type === 'metric')) t();
    });
    return () => {
      unsub();
      t.cancel();
    };
  }, [onDeltas, reload, ms]);
}
