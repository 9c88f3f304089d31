import type { SearchSpace } from '../search-space';
import type { Candidate } from '../tuner';
import { isInSpace } from '../space/contains';
import type { Encoding } from '../space/encode';
import type { ScoredTrial } from '../history-results';
import type { Genome } from './operators';

/** A scored trial with its genome. */
export interface EncodedResult extends ScoredTrial {
  readonly genome: Genome;
}

/**
 * Encodes scored trials for one tuner, leaving out those whose parameters are not in the space
 * (imported or from an older space) instead of failing the search. Learning tuners call it on
 * every propose with the whole history, so each trial's genome is derived once and kept by its
 * parameters object (a trial's parameters never change): a propose costs O(n) lookups, not n
 * space checks and encodings. Genomes are shared between calls; callers must not modify them.
 */
export class ResultEncoder {
  /** Genome per parameters object; null when the parameters are not in the space. */
  private readonly genomes = new WeakMap<Candidate, Genome | null>();

  constructor(
    private readonly enc: Encoding,
    private readonly space: SearchSpace,
  ) {}

  /** The scored trials that are in the space, in the given order, with their genomes. Never throws. */
  encode(scored: readonly ScoredTrial[]): EncodedResult[] {
    const out: EncodedResult[] = [];
    for (const s of scored) {
      const genome = this.genomeOf(s.trial.parameters);
      if (genome !== null) out.push({ trial: s.trial, fitness: s.fitness, genome });
    }
    return out;
  }

  private genomeOf(parameters: Candidate): Genome | null {
    let genome = this.genomes.get(parameters);
    if (genome === undefined) {
      genome = null;
      if (isInSpace(parameters, this.space) === undefined) {
        try {
          genome = this.enc.encode(parameters);
        } catch {
          // not in this space: it cannot be a parent
        }
      }
      this.genomes.set(parameters, genome);
    }
    return genome;
  }
}
