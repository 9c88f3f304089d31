import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits, OptimizeMode, ProposeContext, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import type { Rng } from './rng';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { scoredTrials } from './history-results';
import { ProposalGuard } from './proposal-guard';
import { HistoryKeys } from './history-keys';
import { createEncoding } from './space/encode';
import type { Encoding } from './space/encode';
import { ResultEncoder } from './evolution/encoded-results';
import type { EncodedResult } from './evolution/encoded-results';
import { mutateOne } from './evolution/operators';
import { TunerArgsError } from './tuner-error';

const SCHEMA = classArgsSchema({
  populationSize: { type: 'integer', minimum: 1, default: 100, description: 'Trials in the aging population (NNI default 100).' },
  sampleSize: { type: 'integer', minimum: 1, default: 25, description: 'Tournament size (NNI default 25).' },
  maxTries: { type: 'integer', minimum: 1, default: 1000, description: 'Random draws per random fill before giving up on cost limits / duplicates.' },
});

/** Settings of {@link RegularizedEvolutionTuner} after defaults. */
export interface RegularizedEvolutionSettings {
  populationSize: number;
  sampleSize: number;
  maxTries: number;
  optimizeMode: OptimizeMode;
  limits: CostLimits;
}

/** Mutation attempts per child before falling back (new children preferred, see below). */
const TRIES_PER_CHILD = 10;

/**
 * Regularized (aging) evolution, Real et al. 2019. The first `populationSize` proposals are random;
 * after that the population is the `populationSize` most recent SUCCEEDED trials (aging: the
 * oldest leave first, failed trials never enter). Each child: draw `sampleSize` members with
 * replacement (as NB201's R-EA), take the fittest, change one choice to a different value.
 *
 * Deviations, deliberate: a child that some trial already has is re-drawn (up to 10 tries; then
 * the duplicate is proposed anyway, as the paper's algorithm would), children over the cost
 * limits are rejected, and when no trial has succeeded yet the proposal is random so no slot
 * idles. State comes from the history alone.
 */
export class RegularizedEvolutionTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  private readonly enc: Encoding;
  private readonly encoder: ResultEncoder;

  constructor(
    private readonly space: SearchSpace,
    private readonly cost: CostModel | undefined,
    private readonly s: RegularizedEvolutionSettings,
  ) {
    this.enc = createEncoding(space);
    this.encoder = new ResultEncoder(this.enc, space);
  }

  /** Exactly ctx.count candidates. Throws TunerError when nothing fits the cost limits. */
  propose(ctx: ProposeContext): Candidate[] {
    const guard = new ProposalGuard(this.historyKeys.sync(ctx.history), this.s.limits, this.cost);
    const results = this.encoder.encode(scoredTrials(ctx.history, this.s.optimizeMode));
    const population = results.slice(-this.s.populationSize);
    const out: Candidate[] = [];
    for (let i = 0; i < ctx.count; i++) {
      const warm = ctx.history.length + i >= this.s.populationSize && population.length > 0;
      out.push(guard.accept(warm ? this.child(population, guard, ctx.rng) : this.random(guard, ctx.rng)));
    }
    return out;
  }

  private random(guard: ProposalGuard, rng: Rng): Candidate {
    return guard.sampleFitting(this.space, rng, this.s.maxTries);
  }

  private child(population: readonly EncodedResult[], guard: ProposalGuard, rng: Rng): Candidate {
    let fitting: Candidate | undefined;
    for (let t = 0; t < TRIES_PER_CHILD; t++) {
      let parent = population[rng.int(population.length)] as EncodedResult;
      for (let k = 1; k < this.s.sampleSize; k++) {
        const other = population[rng.int(population.length)] as EncodedResult;
        if (other.fitness > parent.fitness) parent = other;
      }
      const c = this.enc.decode(mutateOne(parent.genome, this.enc, rng));
      if (!guard.fits(c)) continue;
      if (guard.isNew(c)) return c;
      fitting ??= c;
    }
    return fitting ?? this.random(guard, rng);
  }
}

/** Factory of {@link RegularizedEvolutionTuner} ("RegularizedEvolution"); create throws TunerArgsError. */
export const regularizedEvolutionTunerFactory: TunerFactory = {
  name: 'RegularizedEvolution',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    const s: RegularizedEvolutionSettings = {
      populationSize: readNumber(classArgs, 'populationSize', 100, { min: 1, integer: true }),
      sampleSize: readNumber(classArgs, 'sampleSize', 25, { min: 1, integer: true }),
      maxTries: readNumber(classArgs, 'maxTries', 1000, { min: 1, integer: true }),
      ...readCommonArgs(classArgs, cost),
    };
    if (s.sampleSize > s.populationSize) throw new TunerArgsError('/sampleSize', `must be <= populationSize (${s.populationSize}), got ${s.sampleSize}`);
    return new RegularizedEvolutionTuner(searchSpace, cost, s);
  },
};
