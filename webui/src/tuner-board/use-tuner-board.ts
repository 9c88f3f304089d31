import { useCallback, useEffect, useState } from 'react';
import type { TunerBoardResult } from '../api/types';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { throttle } from '../lib/throttle';
import { boardMayChange } from './board-refresh';

/** The PrioritizedPath tuner's board of the viewed experiment, kept live. */
export interface TunerBoardState {
  /** undefined while loading (or when not `enabled`). */
  board?: TunerBoardResult;
  /** The daemon's reason when it serves no board (404), or the error of the last load. */
  error?: string;
}

/**
 * Loads GET /tuner-board once, then again (at most once per second) whenever live deltas say a
 * trial finished or a final metric arrived, and on a reset: no polling. Does nothing when
 * `enabled` is false (the experiment's tuner keeps no board).
 */
export function useTunerBoard(enabled: boolean): TunerBoardState {
  const { api } = useServices();
  const { id, onDeltas } = useExperiment();
  const [state, setState] = useState<TunerBoardState>({});

  const load = useCallback(() => {
    api.tunerBoard(id).then((board) => setState({ board }), (e: Error) => setState((s) => ({ ...s, error: e.message })));
  }, [api, id]);

  useEffect(() => {
    setState({});
    if (!enabled) return;
    const refresh = throttle(load, 1000);
    load();
    const unsub = onDeltas((deltas) => {
      if (boardMayChange(deltas)) refresh();
    });
    return () => {
      unsub();
      refresh.cancel();
    };
  }, [enabled, load, onDeltas]);
  return state;
}
