import type { TrialView } from '../../tuners/tuner';
import type { MetricRecord, TrialRecord } from '../store/types';
import type { MetricValue } from '../../trial-runtime/protocol/messages';
import { metricDefault } from '../store/metric-value';

type MutableView = { -readonly [K in keyof TrialView]: TrialView[K] } & { intermediate: number[] };


/**
 * The tuner's read-only view of the trial history, kept up to date incrementally by the runner
 * (rebuilding it from the store per proposal would be quadratic at 100k trials).
 */
export class TunerHistory {
  private readonly views: MutableView[] = [];
  private readonly byId = new Map<string, MutableView>();

  /** The array handed to tuners (same array object, updated in place). */
  get list(): readonly TrialView[] {
    return this.views;
  }

  add(trial: TrialRecord, metrics: readonly MetricRecord[] = []): TrialView {
    const view: MutableView = {
      id: trial.id,
      sequence: trial.sequence,
      parameters: trial.parameters,
      status: trial.status,
      intermediate: [],
    };
    for (const m of metrics) this.applyMetric(view, m.kind, m.value);
    if (trial.finalMetric !== undefined) this.applyMetric(view, 'final', trial.finalMetric);
    this.views.push(view);
    this.byId.set(trial.id, view);
    return view;
  }

  get(id: string): TrialView | undefined {
    return this.byId.get(id);
  }

  setStatus(id: string, status: TrialView['status']): void {
    const v = this.byId.get(id);
    if (v) v.status = status;
  }

  addMetric(id: string, kind: 'intermediate' | 'final', value: MetricValue): void {
    const v = this.byId.get(id);
    if (v) this.applyMetric(v, kind, value);
  }

  private applyMetric(view: MutableView, kind: 'intermediate' | 'final', value: MetricValue): void {
    if (kind === 'intermediate') {
      view.intermediate.push(metricDefault(value));
      return;
    }
    view.finalMetric = metricDefault(value);
    if (typeof value !== 'number') view.finalMetricDict = value;
  }
}
