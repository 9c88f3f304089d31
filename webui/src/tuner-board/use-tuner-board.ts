import { useCallback, useEffect, useState } from 'react';
import type { TunerBoardResult } from '../api/types';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { useTrialRefresh } from '../lib/use-trial-refresh';
import { boardMayChange } from './board-refresh';

/** The PrioritizedPath tuner's board of the viewed experiment, kept live. */
export interface TunerBoardState {
  /** undefined while loading. */
  board?: TunerBoardResult;
  /** The daemon's reason when it serves no board (404), or the error of the last load. */
  error?: string;
}

/**
 * Loads GET /tuner-board once, then again (at most once per second, useTrialRefresh) whenever
 * live deltas say a trial finished or a final metric arrived, and on a reset: no polling. Used
 * only for an experiment whose tuner keeps a board (keepsTunerBoard).
 */
export function useTunerBoard(): TunerBoardState {
  const { api } = useServices();
  const { id } = useExperiment();
  const [state, setState] = useState<TunerBoardState>({});

  const load = useCallback(() => {
    api.tunerBoard(id).then((board) => setState({ board }), (e: Error) => setState((s) => ({ ...s, error: e.message })));
  }, [api, id]);

  useEffect(() => setState({}), [id]);
  useTrialRefresh(load, 1000, boardMayChange);
  return state;
}
