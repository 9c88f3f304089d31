import type { TrialView } from './tuner';
import { isPending } from './history-results';

/**
 * Hands each completed trial of the daemon's history to a consumer exactly once, so an assessor
 * or tuner that keeps running statistics does not rescan the whole history on every call.
 *
 * The daemon passes the same append-only array on every call, and a trial's view only changes
 * until it completes (leaves WAITING / RUNNING). So the settled prefix (no pending trial in it)
 * is walked once; only the trials after it are looked at again. A different or shorter array
 * means a new history: the feed starts over and says so, and the consumer must drop what it
 * built from the old one.
 */
export class CompletedTrialsFeed {
  private history: readonly TrialView[] | undefined;
  private settled = 0;
  private readonly seen = new Set<string>();

  /**
   * Calls `visit` for every completed trial of `history` not visited yet, in history order.
   * Returns true when it started over (the consumer was reset by `reset` before any visit).
   */
  sync(history: readonly TrialView[], visit: (trial: TrialView) => void, reset: () => void): boolean {
    let restarted = false;
    if (history !== this.history || history.length < this.settled) {
      reset();
      this.seen.clear();
      this.history = history;
      this.settled = 0;
      restarted = true;
    }
    const offer = (trial: TrialView): void => {
      if (isPending(trial) || this.seen.has(trial.id)) return;
      this.seen.add(trial.id);
      visit(trial);
    };
    for (; this.settled < history.length && !isPending(history[this.settled] as TrialView); this.settled++) offer(history[this.settled] as TrialView);
    for (let i = this.settled + 1; i < history.length; i++) offer(history[i] as TrialView);
    return restarted;
  }
}
