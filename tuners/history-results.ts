import type { OptimizeMode, TrialView } from './tuner';

/** A finished trial with its fitness: the final metric, negated when minimizing, so higher is better. */
export interface ScoredTrial {
  readonly trial: TrialView;
  readonly fitness: number;
}

/**
 * Trials that SUCCEEDED with a finite final metric, in history (sequence) order, with fitness.
 * FAILED, canceled, early-stopped, waiting and running trials carry no usable result and are
 * left out. Pure; called by learning tuners on every propose.
 */
export function scoredTrials(history: readonly TrialView[], mode: OptimizeMode): ScoredTrial[] {
  const out: ScoredTrial[] = [];
  for (const trial of history) {
    if (trial.status !== 'SUCCEEDED' || typeof trial.finalMetric !== 'number' || !Number.isFinite(trial.finalMetric)) continue;
    out.push({ trial, fitness: mode === 'maximize' ? trial.finalMetric : -trial.finalMetric });
  }
  return out;
}

/** The k fittest, best first; ties broken by the earlier sequence so the order is deterministic. */
export function topK<T extends ScoredTrial>(scored: readonly T[], k: number): T[] {
  // One pass keeping the k best in order (O(n·k) for the small k tuners use) instead of sorting
  // the whole history on every proposal.
  const better = (a: T, b: T): boolean => a.fitness > b.fitness || (a.fitness === b.fitness && a.trial.sequence < b.trial.sequence);
  const best: T[] = [];
  if (k <= 0) return best;
  for (const s of scored) {
    if (best.length === k && !better(s, best[k - 1] as T)) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && better(s, best[i - 1] as T)) i--;
    best.splice(i, 0, s);
    if (best.length > k) best.pop();
  }
  return best;
}

/** True for a trial that has not reached a final state yet. */
export function isPending(trial: TrialView): boolean {
  return trial.status === 'WAITING' || trial.status === 'RUNNING';
}
