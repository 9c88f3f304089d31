import type { ExperimentRecord, MetricRecord, TrialRecord } from '../store/types';
import { metricDefault } from '../store/metric-value';

/**
 * Renders an experiment's trials for `nasctl experiment export`. JSON carries everything
 * (experiment, trials with parameters and all metrics); CSV has one row per trial with a column
 * per search-space key and per final-metric key.
 */
export function exportJson(experiment: ExperimentRecord, trials: TrialRecord[], metricsOf: (id: string) => MetricRecord[]): string {
  return JSON.stringify(
    {
      experiment,
      trials: trials.map((t) => ({ ...t, metrics: metricsOf(t.id).map((m) => ({ seq: m.seq, kind: m.kind, value: m.value, at: m.at })) })),
    },
    null,
    2,
  );
}

export function exportCsv(experiment: ExperimentRecord, trials: TrialRecord[]): string {
  const paramKeys = Object.keys(experiment.config.searchSpace);
  const metricKeys = new Set<string>();
  for (const t of trials) {
    if (t.finalMetric !== undefined && typeof t.finalMetric !== 'number') for (const k of Object.keys(t.finalMetric)) if (k !== 'default') metricKeys.add(k);
  }
  const extra = [...metricKeys].sort();
  const header = ['trialId', 'sequence', 'status', 'attempt', 'source', 'startedAt', 'endedAt', 'durationMs', 'default', ...extra, ...paramKeys.map((k) => `param:${k}`), 'reason'];
  const rows = [header.map(csvCell).join(',')];
  for (const t of trials) {
    const fm = t.finalMetric;
    const cells: unknown[] = [
      t.id, t.sequence, t.status, t.attempt, t.source,
      t.startedAt === undefined ? '' : new Date(t.startedAt).toISOString(),
      t.endedAt === undefined ? '' : new Date(t.endedAt).toISOString(),
      t.startedAt !== undefined && t.endedAt !== undefined ? t.endedAt - t.startedAt : '',
      fm === undefined ? '' : metricDefault(fm),
      ...extra.map((k) => (fm !== undefined && typeof fm !== 'number' ? fm[k] ?? '' : '')),
      ...paramKeys.map((k) => paramText(t.parameters[k])),
      t.reason ?? '',
    ];
    rows.push(cells.map(csvCell).join(','));
  }
  return rows.join('\n') + '\n';
}

function paramText(v: unknown): string {
  if (v === undefined) return '';
  if (v !== null && typeof v === 'object' && '_value' in v) return JSON.stringify((v as { _value: unknown })._value);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function csvCell(v: unknown): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
