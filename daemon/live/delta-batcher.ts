import type { LiveDelta } from '../service/live-delta';
import { coalesceDeltas } from './coalesce-deltas';

/** Default interval of batched delivery, ms: 20 batches per second at most, per experiment. */
export const DEFAULT_BATCH_MS = 50;

/**
 * Collects deltas per experiment and hands them, coalesced (see coalesceDeltas), to `emit` at most
 * once per `intervalMs` per experiment: at 200 trial updates/s a batched client gets ~20 messages
 * a second instead of 200+, each carrying only the newest snapshot of every trial. The first
 * delta after a quiet period starts the interval, so a lone change arrives within `intervalMs`.
 * Created by attachLiveEvents; `close()` drops what waits and cancels the timers.
 */
export class DeltaBatcher {
  private readonly pending = new Map<string, LiveDelta[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly emit: (experimentId: string, deltas: LiveDelta[]) => void,
    private readonly intervalMs: number = DEFAULT_BATCH_MS,
  ) {}

  /** Queues one delta; its experiment's batch goes out when the interval ends. */
  push(delta: LiveDelta): void {
    const id = delta.experimentId;
    let list = this.pending.get(id);
    if (!list) {
      list = [];
      this.pending.set(id, list);
    }
    list.push(delta);
    if (!this.timers.has(id)) {
      const timer = setTimeout(() => this.flush(id), this.intervalMs);
      timer.unref?.();
      this.timers.set(id, timer);
    }
  }

  /** Sends an experiment's queued deltas now (no-op when none wait). */
  flush(experimentId: string): void {
    const timer = this.timers.get(experimentId);
    if (timer) clearTimeout(timer);
    this.timers.delete(experimentId);
    const list = this.pending.get(experimentId);
    this.pending.delete(experimentId);
    if (list && list.length > 0) this.emit(experimentId, coalesceDeltas(list));
  }

  /** Cancels every timer and drops what waits. */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}
