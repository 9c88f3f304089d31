import { useCallback, useEffect, useState } from 'react';
import type { BoardSnapshot, CheckpointEntry, CheckpointList } from '../api/types';
import { ApiError } from '../api/api-error';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { sortCheckpoints } from '../../../daemon/watch/parse-checkpoint';

/** Checkpoints and Cream board of the viewed experiment, kept live. */
export interface CheckpointsState {
  list?: CheckpointList;
  /** null: the experiment has no board (404); undefined: loading. */
  board?: BoardSnapshot | null;
  error?: string;
}

/** `list` with `entry` added or replaced (by folder name), in the daemon's order (epoch, then name). Pure. */
export function mergeCheckpoint(list: readonly CheckpointEntry[], entry: CheckpointEntry): CheckpointEntry[] {
  return sortCheckpoints([...list.filter((c) => c.name !== entry.name), entry]);
}

/**
 * Loads GET /checkpoints and /board once, then applies the experiment's `checkpoint` and
 * `board` live deltas as they come (no polling); reloads both on a reset.
 */
export function useCheckpoints(): CheckpointsState {
  const { api } = useServices();
  const { id, onDeltas } = useExperiment();
  const [state, setState] = useState<CheckpointsState>({});

  const load = useCallback(() => {
    api.checkpoints(id).then((list) => setState((s) => ({ ...s, list, error: undefined })), (e: Error) => setState((s) => ({ ...s, error: e.message })));
    api.board(id).then(
      (board) => setState((s) => ({ ...s, board })),
      (e: unknown) => setState((s) => ({ ...s, board: e instanceof ApiError && e.status === 404 ? null : s.board })),
    );
  }, [api, id]);

  useEffect(() => {
    load();
    return onDeltas((deltas) => {
      if (deltas === null) {
        load();
        return;
      }
      for (const d of deltas) {
        if (d.type === 'checkpoint') {
          const entry = d.checkpoint;
          setState((s) => ({ ...s, list: { directory: s.list?.directory ?? null, watching: s.list?.watching ?? true, checkpoints: mergeCheckpoint(s.list?.checkpoints ?? [], entry) } }));
        } else if (d.type === 'board') {
          const board = d.board;
          setState((s) => ({ ...s, board }));
        }
      }
    });
  }, [load, onDeltas]);
  return state;
}
