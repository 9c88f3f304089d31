import type { CostModel, SearchSpace, TrialRecord } from '../api/types';
import { bestSoFar, defaultMetric, extraMetricKeys, metricKey } from './metrics';
import { buildArchitecture } from './architecture';
import { formatParameter, valueText } from './format';
import { paretoFront, type CostPoint } from './pareto';
import type { PcAxis } from '../components/parallel-coords';

/** Final metric per trial (x = trial number) with the best-so-far line. Pure. */
export function finalMetricSeries(trials: readonly TrialRecord[], maximize: boolean) {
  const x = trials.map((t) => t.sequence);
  const y = trials.map((t) => defaultMetric(t.finalMetric) ?? null);
  const best = bestSoFar(y.map((v) => v ?? undefined), maximize);
  return { x, y, best };
}

/** Duration in seconds per ended trial (x = trial number; null while running). Pure. */
export function durationSeries(trials: readonly TrialRecord[]) {
  return {
    x: trials.map((t) => t.sequence),
    y: trials.map((t) => (t.startedAt && t.endedAt ? (t.endedAt - t.startedAt) / 1000 : null)),
  };
}

/** Cost keys a metric can be plotted against: dict-metric keys and the cost model's. Pure. */
export function costKeys(trials: readonly TrialRecord[], cost?: CostModel): string[] {
  const keys = new Set<string>();
  for (let i = 0; i < trials.length && i < 500; i++) extraMetricKeys(trials[i].finalMetric).forEach((k) => keys.add(k));
  if (cost) {
    keys.add('flops');
    keys.add('params');
  }
  return [...keys].sort((a, b) => (a === 'flops' ? -1 : b === 'flops' ? 1 : a.localeCompare(b)));
}

/**
 * Metric against cost key `key` (taken from the trial's dict metric, else computed from the cost
 * model for flops/params), sorted by cost, with a second series holding only the Pareto front.
 */
export function costScatter(trials: readonly TrialRecord[], key: string, maximize: boolean, space: SearchSpace, cost?: CostModel) {
  const pts: CostPoint[] = [];
  for (const t of trials) {
    const m = defaultMetric(t.finalMetric);
    if (m === undefined) continue;
    let c = metricKey(t.finalMetric, key);
    if (c === undefined && cost && (key === 'flops' || key === 'params')) {
      const a = buildArchitecture(space, t.parameters, cost);
      c = key === 'flops' ? a.flops : a.params;
    }
    if (c !== undefined) pts.push({ cost: c, metric: m, id: t.id });
  }
  pts.sort((a, b) => a.cost - b.cost);
  const front = new Set(paretoFront(pts, maximize).map((p) => p.id));
  return {
    points: pts,
    x: pts.map((p) => p.cost),
    y: pts.map((p) => p.metric),
    front: pts.map((p) => (front.has(p.id) ? p.metric : null)),
    frontSize: front.size,
  };
}

/**
 * Parallel-coordinates data over the search space's keys plus the metric, from trials with a
 * final metric; at most `cap` lines (an even sample when there are more). Pure.
 */
export function parallelData(trials: readonly TrialRecord[], space: SearchSpace, maximize: boolean, cap = 5000) {
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
