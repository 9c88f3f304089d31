/**
 * The tuner loop of the benchmark, without the daemon: one trial at a time, as NB201's scripts
 * run REA and random search. Each proposal is "trained" by a table lookup and charged its
 * simulated time; the run ends at the first query that would exceed the budget (that query is
 * not counted, as AutoDL's R_EA.py), or at `maxQueries`.
 */
import { createRng } from '../../tuners/rng';
import type { Candidate, TrialView, TunerFactory, TunerCreateArgs } from '../../tuners/tuner';

/** What one simulated search needs. */
export interface SimulationSetup {
  factory: TunerFactory;
  create: Omit<TunerCreateArgs, 'classArgs'>;
  classArgs: Record<string, unknown>;
  /** The search signal (reported as the final metric) and the simulated cost of a candidate. */
  evaluate(c: Candidate): { signal: number; seconds: number };
  /** Simulated seconds available (Infinity for a query budget). */
  budgetSeconds: number;
  /** Most queries (Infinity for a time budget). */
  maxQueries: number;
}

/** The outcome of one simulated search. */
export interface SimulationResult {
  /** The architecture the tuner would pick: best signal, the earliest among ties. */
  best: Candidate;
  bestSignal: number;
  queries: number;
  seconds: number;
}

/**
 * Runs one search with the given seed; the RNG of each propose is derived from the seed and the
 * history length, as the daemon derives it. Throws whatever the tuner throws, and an Error when the
 * tuner proposes nothing (no tuner here may wait: trials end before the next propose).
 */
export function simulateSearch(setup: SimulationSetup, seed: number): SimulationResult {
  const tuner = setup.factory.create({ ...setup.create, classArgs: setup.classArgs });
  const history: TrialView[] = [];
  let seconds = 0;
  let best: { c: Candidate; signal: number } | undefined;
  while (history.length < setup.maxQueries) {
    const [c] = tuner.propose({ count: 1, history, rng: createRng(seed, history.length) });
    if (c === undefined) throw new Error(`${setup.factory.name} proposed nothing with ${history.length} finished trials`);
    const { signal, seconds: cost } = setup.evaluate(c);
    if (seconds + cost > setup.budgetSeconds) break;
    seconds += cost;
    const trial: TrialView = { id: `t${history.length}`, sequence: history.length, parameters: c, status: 'SUCCEEDED', finalMetric: signal, intermediate: [signal] };
    history.push(trial);
    tuner.trialEnded?.(trial);
    if (best === undefined || signal > best.signal) best = { c, signal };
  }
  if (best === undefined) throw new Error('the budget allowed no query at all');
  return { best: best.c, bestSignal: best.signal, queries: history.length, seconds };
}
