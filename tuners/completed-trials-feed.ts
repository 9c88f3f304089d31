import type { TrialView } from './tuner';
import { isPending } from './history-results';

/**
 * Hands each completed trial of the daemon's history to a consumer exactly once, so an assessor
 * or tuner that keeps running statistics does not rescan the whole history on every call.
 *
 * The daemon passes the same append-only array on every call, and a trial's view only changes
 * until it completes (leaves WAITING / RUNNING). So each entry is looked at once when it appears;
 * the ones still pending then are kept in a short list and looked at again on later calls until
 * they complete. A call costs O(new entries + pending trials), even when one trial early in the
 * history runs for a long time. A different or shorter array means a new history: the feed
 * starts over and the consumer must drop what it built from the old one.
 */
export class CompletedTrialsFeed {
  private history: readonly TrialView[] | undefined;
  /** Entries [0, scanned) of `history` have been looked at. */
  private scanned = 0;
  /** Indices below `scanned` whose trial was still pending when last looked at, in order. */
  private pending: number[] = [];

  /**
   * Calls `visit` for every completed trial of `history` not visited yet (those that completed
   * since the last call in history order, then the new entries); calls `reset` first when
   * `history` is a new history (the consumer drops what it built).
   */
  sync(history: readonly TrialView[], visit: (trial: TrialView) => void, reset: () => void): void {
    if (history !== this.history || history.length < this.scanned) {
      reset();
      this.history = history;
      this.scanned = 0;
      this.pending = [];
    }
    if (this.pending.length > 0) {
      const still: number[] = [];
      for (const i of this.pending) {
        const trial = history[i] as TrialView;
        if (isPending(trial)) still.push(i);
        else visit(trial);
      }
      this.pending = still;
    }
    for (; this.scanned < history.length; this.scanned++) {
      const trial = history[this.scanned] as TrialView;
      if (isPending(trial)) this.pending.push(this.scanned);
      else visit(trial);
    }
  }
}
