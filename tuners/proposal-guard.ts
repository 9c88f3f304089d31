import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits } from './tuner';
import type { Rng } from './rng';
import { canonicalKey } from './space/canonical-key';
import { candidateCost, noLimits, withinLimits } from './space/cost';
import { sampleCandidate } from './space/sample';
import { TunerError } from './tuner-error';

/**
 * Legality of proposals within one propose call, as SPOS's `is_legal`: a candidate is legal when it
 * was never proposed before (any trial in the history, or earlier in this batch) and fits the cost
 * limits. Created on each propose from the history's keys, so it survives resume.
 */
export class ProposalGuard {
  /** Keys proposed earlier in this batch. */
  private readonly seen = new Set<string>();
  private readonly checkCost: boolean;

  /** `historyKeys`: the canonical keys of every trial, as kept by {@link HistoryKeys} (not modified). */
  constructor(
    private readonly historyKeys: ReadonlySet<string>,
    private readonly limits: CostLimits,
    private readonly cost: CostModel | undefined,
  ) {
    this.checkCost = cost !== undefined && !noLimits(limits);
  }

  /** True when the candidate's cost is within the limits (always true without limits). */
  fits(c: Candidate): boolean {
    return !this.checkCost || withinLimits(candidateCost(c, this.cost as CostModel), this.limits);
  }

  /** True when no trial and no earlier proposal of this batch has the same parameters. */
  isNew(c: Candidate): boolean {
    const key = canonicalKey(c);
    return !this.seen.has(key) && !this.historyKeys.has(key);
  }

  /** New and fits. */
  isLegal(c: Candidate): boolean {
    return this.isNew(c) && this.fits(c);
  }

  /** Records a proposal so later ones of the batch are not duplicates of it. */
  accept(c: Candidate): Candidate {
    this.seen.add(canonicalKey(c));
    return c;
  }

  /**
   * A random candidate within the limits, new if one is found in `maxTries` draws, otherwise a
   * fitting duplicate (a small space can run out of new points). Does not accept it.
   * Throws TunerError when no draw fits the limits: the limits are probably too tight.
   */
  sampleFitting(space: SearchSpace, rng: Rng, maxTries: number): Candidate {
    let fitting: Candidate | undefined;
    for (let i = 0; i < maxTries; i++) {
      const c = sampleCandidate(space, rng);
      if (!this.fits(c)) continue;
      if (this.isNew(c)) return c;
      fitting ??= c;
    }
    if (fitting) return fitting;
    throw new TunerError(
      `no random architecture within the cost limits ${JSON.stringify(this.limits)} was found in ${maxTries} tries; ` +
        'loosen flopsLimit / flopsMin / paramsLimit (check the range of the search space cost model) or raise maxTries',
    );
  }
}
