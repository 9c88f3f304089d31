import type { ExperimentConfig, MetricValue, TrialQuery } from '../api/types';

/** The number tuners optimise: the metric itself, or its `default` key; pure. */
export function defaultMetric(v: MetricValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : v.default;
}

/** Value of key `key` of a dict metric (`default` for plain numbers); undefined when absent. */
export function metricKey(v: MetricValue | undefined, key: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return key === 'default' ? v : undefined;
  const x = v[key];
  return typeof x === 'number' ? x : undefined;
}

/** Keys of a dict metric other than `default` (e.g. flops, top5). */
export function extraMetricKeys(v: MetricValue | undefined): string[] {
  if (v === undefined || typeof v === 'number') return [];
  return Object.keys(v).filter((k) => k !== 'default');
}

/** Whether larger metrics are better: the tuner's `optimize_mode` (NNI's default: maximize). */
export function isMaximize(config: ExperimentConfig | undefined): boolean {
  const mode = config?.tuner.classArgs?.optimize_mode ?? config?.tuner.classArgs?.optimizeMode;
  return mode !== 'minimize';
}

/** GET /trials query of the `limit` best trials by final metric (the finite `metricMin` leaves out trials without one). */
export function topTrialsQuery(maximize: boolean, limit: number): TrialQuery {
  return { sort: 'finalMetric', order: maximize ? 'desc' : 'asc', limit, metricMin: -Number.MAX_VALUE };
}

/** Running best of `values` in order (NaN entries carry the previous best); pure. */
export function bestSoFar(values: readonly (number | undefined)[], maximize: boolean): (number | null)[] {
  let best: number | undefined;
  return values.map((v) => {
    if (v !== undefined && Number.isFinite(v) && (best === undefined || (maximize ? v > best : v < best))) best = v;
    return best ?? null;
  });
}
