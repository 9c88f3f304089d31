import type { ExperimentConfig } from '../config/experiment-config';
import type { TrialChartRow } from '../store/store';
import type { ParameterValue, TrialParameters } from '../../trial-runtime/protocol/messages';
import { candidateCost } from '../../tuners/space/cost';
import { metricDefault } from '../store/metric-value';

/** Trials with a final metric whose parameters come along for parallel coordinates, at most. */
export const DEFAULT_CHART_SAMPLE = 5000;

/**
 * GET /experiments/:id/charts: every trial as columns (index i of each array is one trial, in
 * trial-number order), so 100,000 trials fit in one small answer.
 */
export interface ChartColumns {
  /** Whether larger metrics are better (the tuner's optimize_mode; default maximize). */
  maximize: boolean;
  sequence: number[];
  id: string[];
  /** The final metric's default value; null without one. */
  final: Array<number | null>;
  /** Best final metric of the trials up to this one, in the optimize direction; null before any. */
  bestSoFar: Array<number | null>;
  /** endedAt - startedAt, ms; null while not ended. */
  durationMs: Array<number | null>;
  /**
   * Cost columns: every numeric key of the dict final metrics (e.g. `flops`), and `flops` /
   * `params` from the search space's cost model where the metric has no such key.
   */
  costs: Record<string, Array<number | null>>;
  /**
   * An even sample of trials with a final metric and their chosen values (parallel coordinates),
   * dictionary-coded: trial `index[j]` chose `values[k][codes[k][j]]` for parameter `keys[k]`
   * (a choice's `_value` as text: strings as they are, other values as JSON); code -1 = no value.
   */
  sample: { index: number[]; total: number; keys: string[]; values: string[][]; codes: number[][] };
}

/** A parameter's chosen value as the UI shows it: `_value` (or the value), strings as they are, else JSON. */
function chosenText(v: ParameterValue): string {
  const c = v !== null && typeof v === 'object' && !Array.isArray(v) && '_value' in v ? v._value : v;
  return typeof c === 'string' ? c : JSON.stringify(c);
}

/**
 * Builds the chart columns of `trials` (sorted by sequence: the store's chart rows, or full
 * TrialRecords) under `config`, sampling at most `sampleCap` trials with a final metric for their
 * parameters; `parametersOf(i)` gives trial i's parameters (asked at most once per trial: only
 * for sampled trials, or for all when the config has a cost model, priced by candidateCost).
 * Called by the charts route with every trial of an experiment. Pure apart from `parametersOf`.
 */
export function chartColumns(trials: readonly TrialChartRow[], config: ExperimentConfig, sampleCap: number,
  parametersOf: (i: number) => TrialParameters): ChartColumns {
  const mode = config.tuner.classArgs?.optimize_mode ?? config.tuner.classArgs?.optimizeMode;
  const maximize = mode !== 'minimize';
  const n = trials.length;
  const out: ChartColumns = {
    maximize, sequence: new Array(n), id: new Array(n), final: new Array(n), bestSoFar: new Array(n), durationMs: new Array(n),
    costs: {}, sample: { index: [], total: 0, keys: [], values: [], codes: [] },
  };
  const cost = config.searchSpaceCost;
  const column = (key: string) => (out.costs[key] ??= new Array<number | null>(n).fill(null));
  let best: number | null = null;
  const finished: number[] = [];
  trials.forEach((t, i) => {
    out.sequence[i] = t.sequence;
    out.id[i] = t.id;
    const f = t.finalMetric === undefined ? null : metricDefault(t.finalMetric);
    out.final[i] = f;
    if (f !== null && Number.isFinite(f)) {
      finished.push(i);
      if (best === null || (maximize ? f > best : f < best)) best = f;
    }
    out.bestSoFar[i] = best;
    out.durationMs[i] = t.startedAt !== undefined && t.endedAt !== undefined ? t.endedAt - t.startedAt : null;
    const m = t.finalMetric;
    if (m !== undefined && typeof m === 'object') {
      for (const [k, v] of Object.entries(m)) if (k !== 'default' && typeof v === 'number') column(k)[i] = v;
    }
  });
  const stride = Math.max(1, Math.ceil(finished.length / Math.max(1, sampleCap)));
  for (let k = 0; k < finished.length && sampleCap > 0; k += stride) out.sample.index.push(finished[k]);
  // With a cost model every trial's parameters are read once here; the sampled ones are kept for the sample.
  const sampled = new Map<number, TrialParameters>();
  if (cost && n > 0) {
    const inSample = new Set(out.sample.index);
    const flops = column('flops');
    const params = column('params');
    trials.forEach((_t, i) => {
      const p = parametersOf(i);
      if (inSample.has(i)) sampled.set(i, p);
      const c = candidateCost(p, cost);
      if (flops[i] === null) flops[i] = c.flops;
      if (params[i] === null) params[i] = c.params;
    });
  }
  const keys = Object.keys(config.searchSpace).filter((k) => !k.startsWith('_'));
  const dict = keys.map(() => new Map<string, number>());
  out.sample.keys = keys;
  out.sample.values = keys.map(() => []);
  out.sample.codes = keys.map(() => []);
  for (const i of out.sample.index) {
    const p = sampled.get(i) ?? parametersOf(i);
    keys.forEach((key, ki) => {
      const v = p[key];
      let code = -1;
      if (v !== undefined) {
        const text = chosenText(v);
        code = dict[ki].get(text) ?? -1;
        if (code < 0) {
          code = out.sample.values[ki].length;
          dict[ki].set(text, code);
          out.sample.values[ki].push(text);
        }
      }
      out.sample.codes[ki].push(code);
    });
  }
  out.sample.total = finished.length;
  return out;
}
