import { useEffect, useState } from 'react';
import type { ExperimentDetail } from '../api/types';
import { useServices } from '../app-context';

/** Whether a config names a checkpoint folder (the field, or --checkpoint-dir in trialCommand). Pure. */
export function namesCheckpoints(detail: ExperimentDetail | undefined): boolean {
  const cfg = detail?.record.config;
  return !!cfg && (!!cfg.checkpointDirectory || /(^|\s)--checkpoint-dir(\s|=)/.test(cfg.trialCommand));
}

/**
 * Whether the experiment shell shows the Supernet tab: the config names a checkpoint folder, or
 * a trial reported per-epoch metrics with train_loss (asked once per experiment).
 */
export function useSupernetTab(detail: ExperimentDetail | undefined): boolean {
  const { api } = useServices();
  const byConfig = namesCheckpoints(detail);
  const id = detail?.id;
  const [byMetrics, setByMetrics] = useState(false);
  useEffect(() => {
    setByMetrics(false);
    if (!id || byConfig) return;
    let live = true;
    api.getLatestMetrics(id).then((ms) => {
      if (live) setByMetrics(ms.some((m) => typeof m.value === 'object' && typeof m.value.train_loss === 'number'));
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [api, id, byConfig]);
  return byConfig || byMetrics;
}
