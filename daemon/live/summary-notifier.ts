import type { ExperimentService, ExperimentSummary } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';

/** Default interval of experiment-summary updates for list views, ms. */
export const DEFAULT_SUMMARY_MS = 1000;

/**
 * Keeps list views (the experiments page) current without reloads: every trial or experiment
 * delta marks its experiment changed, and at most once per `intervalMs` the summaries of the
 * changed experiments (trial counts by status, best metric, status) go to `emit`, read from
 * `service.listExperiments()` (cached summaries in the daemon). Metric and log deltas change no
 * summary and are ignored. Created by attachLiveEvents; `close()` cancels the timer.
 */
export class SummaryNotifier {
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly service: Pick<ExperimentService, 'listExperiments'>,
    private readonly emit: (summaries: ExperimentSummary[]) => void,
    private readonly onError: (e: unknown) => void,
    private readonly intervalMs: number = DEFAULT_SUMMARY_MS,
  ) {}

  /** Notes a delta; schedules an update when it changes a summary. */
  push(delta: LiveDelta): void {
    if (delta.type !== 'trial' && delta.type !== 'experiment') return;
    this.dirty.add(delta.experimentId);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref?.();
  }

  /** Sends the summaries of the changed experiments now (no-op when none changed). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    const ids = new Set(this.dirty);
    this.dirty.clear();
    try {
      const changed = this.service.listExperiments().filter((s) => ids.has(s.id));
      if (changed.length > 0) this.emit(changed);
    } catch (e) {
      this.onError(e);
    }
  }

  /** Cancels the timer and forgets what changed. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
  }
}
