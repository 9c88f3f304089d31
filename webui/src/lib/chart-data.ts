import type { SearchSpace, TrialRecord } from '../api/types';
import type { ChartColumns } from '../../../daemon/api/chart-columns';
import { defaultMetric } from './metrics';
import { formatParameter, valueText } from './format';
import { paretoFront } from '../../../daemon/manager/pareto-front';
import type { PcAxis } from '../components/parallel-coords';

/** Final metric per trial (x = trial number) with the best-so-far line, from the charts endpoint. Pure. */
export function finalMetricSeries(cols: ChartColumns) {
  return { x: cols.sequence, y: cols.final, best: cols.bestSoFar };
}

/** Duration in seconds per ended trial (x = trial number; null while running). Pure. */
export function durationSeries(cols: ChartColumns) {
  return { x: cols.sequence, y: cols.durationMs.map((d) => (d === null ? null : d / 1000)) };
}

/** Cost keys a metric can be plotted against: the columns the daemon sent (flops first). Pure. */
export function costKeys(cols: ChartColumns): string[] {
  return Object.keys(cols.costs).sort((a, b) => (a === 'flops' ? -1 : b === 'flops' ? 1 : a.localeCompare(b)));
}

/**
 * Metric against cost column `key` (dict-metric key, or the cost model's flops/params computed by
 * the daemon), sorted by cost, with a second series holding only the Pareto front (the daemon's
 * paretoFront, the same front GET /experiments/:id/pareto answers). Pure.
 */
export function costScatter(cols: ChartColumns, key: string, maximize: boolean) {
  const pts: Array<{ x: number; y: number; id: string }> = [];
  const c = cols.costs[key] ?? [];
  for (let i = 0; i < cols.final.length; i++) {
    const m = cols.final[i];
    const x = c[i];
    if (m !== null && x !== null && x !== undefined) pts.push({ x, y: m, id: cols.id[i] });
  }
  pts.sort((a, b) => a.x - b.x);
  const onFront = new Set(paretoFront(pts, maximize ? 'maximize' : 'minimize'));
  return {
    points: pts,
    x: pts.map((p) => p.x),
    y: pts.map((p) => p.y),
    front: pts.map((p, i) => (onFront.has(i) ? p.y : null)),
    frontSize: onFront.size,
  };
}

/**
 * The charts endpoint's sample as trials for parallelData: parameters decoded from the sample's
 * dictionaries (each value as the text the UI shows), and the final metric. Pure.
 */
export function sampledTrials(cols: ChartColumns): ChartTrial[] {
  const { keys, values, codes } = cols.sample;
  return cols.sample.index.map((i, j) => {
    const parameters: Record<string, string> = {};
    keys.forEach((key, k) => {
      const code = codes[k][j];
      if (code >= 0) parameters[key] = values[k][code];
    });
    return { parameters, finalMetric: cols.final[i] ?? undefined };
  });
}

/** What parallel coordinates need of a trial. */
export type ChartTrial = Pick<TrialRecord, 'parameters' | 'finalMetric'>;

/**
 * Parallel-coordinates data over the search space's keys plus the metric, from trials with a
 * final metric; at most `cap` lines (an even sample when there are more). Pure.
 */
export function parallelData(trials: readonly ChartTrial[], space: SearchSpace, maximize: boolean, cap = 5000) {
  const done = trials.filter((t) => defaultMetric(t.finalMetric) !== undefined);
  const stride = Math.max(1, Math.ceil(done.length / cap));
  const sample = done.filter((_, i) => i % stride === 0);
  const keys = Object.keys(space).filter((k) => !k.startsWith('_'));
  const axes: PcAxis[] = keys.map((k) => {
    const s = space[k];
    if (s._type === 'layer_choice') return { label: k, categories: s._value.map(String) };
    if (s._type === 'choice') return { label: k, categories: s._value.map(valueText) };
    if (s._type === 'input_choice') {
      const cats = new Set<string>();
      sample.forEach((t) => cats.add(formatParameter(t.parameters[k])));
      return { label: k, categories: [...cats].sort() };
    }
    const vals = sample.map((t) => Number(formatParameter(t.parameters[k]))).filter(Number.isFinite);
    return { label: k, min: Math.min(...vals), max: Math.max(...vals) };
  });
  const metrics = sample.map((t) => defaultMetric(t.finalMetric) as number);
  const lo = Math.min(...metrics);
  const hi = Math.max(...metrics);
  axes.push({ label: 'metric', min: lo, max: hi });
  const lines = sample.map((t, i) => [
    ...keys.map((k, ai) => (axes[ai].categories ? formatParameter(t.parameters[k]) : Number(formatParameter(t.parameters[k])))),
    metrics[i],
  ]);
  const colors = metrics.map((m) => (hi === lo ? 1 : maximize ? (m - lo) / (hi - lo) : (hi - m) / (hi - lo)));
  return { axes, lines, colors, shown: sample.length, total: done.length };
}
