import type { SearchSpace } from '../search-space';
import { isInSpace } from '../space/contains';
import type { Encoding } from '../space/encode';
import type { ScoredTrial } from '../history-results';
import type { Genome } from './operators';

/** A scored trial with its genome. */
export interface EncodedResult extends ScoredTrial {
  readonly genome: Genome;
}

/**
 * Encodes scored trials, leaving out those whose parameters are not in the space (imported or
 * from an older space) instead of failing the search. Pure; never throws.
 */
export function encodeResults(scored: readonly ScoredTrial[], enc: Encoding, space: SearchSpace): EncodedResult[] {
  const out: EncodedResult[] = [];
  for (const s of scored) {
    if (isInSpace(s.trial.parameters, space) !== undefined) continue;
    try {
      out.push({ trial: s.trial, fitness: s.fitness, genome: enc.encode(s.trial.parameters) });
    } catch {
      // not in this space: it cannot be a parent
    }
  }
  return out;
}
