import type { TrialView } from './tuner';
import { canonicalKey } from './space/canonical-key';

/**
 * The canonical keys of every trial in the history, kept incrementally: the daemon hands tuners
 * the same append-only history array on every propose, so only new trials are keyed (a rebuild
 * per propose would make a search of n trials cost O(n^2)). A different array, or a shorter one,
 * triggers a full rebuild, so callers that build fresh histories still get correct answers.
 */
export class HistoryKeys {
  private history: readonly TrialView[] | undefined;
  private count = 0;
  private readonly keys = new Set<string>();

  /** Brings the key set up to date with `history` and returns it (read-only to callers). */
  sync(history: readonly TrialView[]): ReadonlySet<string> {
    if (history !== this.history || history.length < this.count) {
      this.keys.clear();
      this.count = 0;
      this.history = history;
    }
    for (; this.count < history.length; this.count++) this.keys.add(canonicalKey(history[this.count]!.parameters));
    return this.keys;
  }
}
