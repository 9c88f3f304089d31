import type { GenerationSummary, OptimizeMode, TrialView } from '../tuner';
import { isPending, scoredTrials, topK } from '../history-results';

/** How generations are cut from the history and ranked. */
export interface GenerationRules {
  /** Trials per generation (populationSize). */
  size: number;
  /** How many top candidates a summary lists (selectNum). */
  top: number;
  optimizeMode: OptimizeMode;
  /** Rank the generation's own trials only (NNI's `current`), else every trial up to its end. */
  currentOnly: boolean;
}

/**
 * Generation g is history[g·size, (g+1)·size) in sequence order; it is complete when all its
 * trials exist and finished. Its summary lists the top SUCCEEDED trials (by final `default`,
 * ties by sequence) of the trials up to its end, or of its own trials with `currentOnly`.
 * Returns the complete generations from `from` on, stopping at the first incomplete one. Pure;
 * O(size) when generation `from` is not complete, O(n log n) per complete one.
 */
export function completeGenerations(history: readonly TrialView[], from: number, rules: GenerationRules): GenerationSummary[] {
  const out: GenerationSummary[] = [];
  for (let g = Math.max(0, Math.floor(from)); ; g++) {
    const start = g * rules.size;
    const end = start + rules.size;
    if (history.length < end) return out;
    const window = history.slice(start, end);
    if (window.some(isPending)) return out;
    const pool = rules.currentOnly ? window : history.slice(0, end);
    const top = topK(scoredTrials(pool, rules.optimizeMode), rules.top).map((s) => s.trial);
    out.push({ generation: g, firstSequence: (window[0] as TrialView).sequence, lastSequence: (window[window.length - 1] as TrialView).sequence, top });
  }
}
