import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits, GenerationSummary, OptimizeMode, ProposeContext, Tuner, TunerCreateArgs, TunerFactory, TrialView } from './tuner';
import type { Rng } from './rng';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readEnum, readNumber, rejectUnknownArgs } from './class-args';
import { isPending, scoredTrials, topK } from './history-results';
import { ProposalGuard } from './proposal-guard';
import { HistoryKeys } from './history-keys';
import { createEncoding } from './space/encode';
import type { Encoding } from './space/encode';
import { ResultEncoder } from './evolution/encoded-results';
import type { EncodedResult } from './evolution/encoded-results';
import { crossover, mutateEach } from './evolution/operators';
import { completeGenerations } from './evolution/generations';
import { TunerArgsError } from './tuner-error';

const SCHEMA = classArgsSchema({
  mode: { enum: ['steady-state', 'generational'], default: 'steady-state', description: 'steady-state: children of the current top-k whenever a slot is free; generational: SPOS/NNI generations of populationSize.' },
  selectFrom: { enum: ['all', 'current'], default: 'all', description: 'generational mode: parents are the top-k of all generations (official SPOS) or of the last one (NNI).' },
  populationSize: { type: 'integer', minimum: 2, default: 50 },
  selectNum: { type: 'integer', minimum: 1, default: 10, description: 'Top-k parents.' },
  mutationNum: { type: 'integer', minimum: 0, default: 25 },
  crossoverNum: { type: 'integer', minimum: 0, default: 25 },
  mutationProb: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
  maxTries: { type: 'integer', minimum: 1, default: 1000, description: 'Random draws per random fill before giving up on cost limits / duplicates.' },
});

/** Settings of {@link EvolutionTuner} after defaults. */
export interface EvolutionSettings {
  mode: 'steady-state' | 'generational';
  selectFrom: 'all' | 'current';
  populationSize: number;
  selectNum: number;
  mutationNum: number;
  crossoverNum: number;
  mutationProb: number;
  maxTries: number;
  optimizeMode: OptimizeMode;
  limits: CostLimits;
}

/** Legal-child attempts per wanted child (SPOS allows 10x the quota). */
const TRIES_PER_CHILD = 10;

/**
 * SPOS evolutionary search (ALGORITHMS.md §1.5): top-`selectNum` parents, children by mutation
 * (each gene redrawn with `mutationProb`) and uniform crossover, legality = never proposed before
 * and within the cost limits, 10 attempts per child, then a random legal fill. Everything is
 * rebuilt from the history on each call, so resume needs no saved state.
 *
 * - `steady-state` (default): random proposals until `populationSize` trials SUCCEEDED; after that
 *   every free slot gets a child of the current top-k of all finished trials, a mutation with
 *   probability mutationNum/(mutationNum+crossoverNum), otherwise a crossover. Slots never idle,
 *   concurrency may exceed the population, and failed trials simply do not count.
 * - `generational`: generation g is history[g·P, (g+1)·P); positions 0..mutationNum-1 are
 *   mutants, the next crossoverNum crossovers, the rest random (SPOS's fill). Generation g starts
 *   only when every earlier trial finished (propose returns [] meanwhile). Parents: top-k over all
 *   earlier generations (`selectFrom: all`, official elitism) or over generation g-1 only
 *   (`current`, NNI's variant); when that set has no successful trial, over all, else random.
 *   Deviation from NNI: a generation whose trials all failed does not stall the search.
 */
export class EvolutionTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  private readonly enc: Encoding;
  private readonly encoder: ResultEncoder;

  constructor(
    private readonly space: SearchSpace,
    private readonly cost: CostModel | undefined,
    private readonly s: EvolutionSettings,
  ) {
    this.enc = createEncoding(space);
    this.encoder = new ResultEncoder(this.enc, space);
  }

  /** Up to ctx.count legal candidates (generational mode may return fewer or []). Throws TunerError when nothing fits the cost limits. */
  propose(ctx: ProposeContext): Candidate[] {
    const guard = new ProposalGuard(this.historyKeys.sync(ctx.history), this.s.limits, this.cost);
    const results = this.encoder.encode(scoredTrials(ctx.history, this.s.optimizeMode));
    const out: Candidate[] = [];
    if (this.s.mode === 'steady-state') {
      const parents = results.length >= this.s.populationSize ? topK(results, this.s.selectNum) : [];
      const pMut = this.s.mutationNum / Math.max(1, this.s.mutationNum + this.s.crossoverNum);
      for (let i = 0; i < ctx.count; i++) {
        const kind = parents.length === 0 ? 'random' : ctx.rng.next() < pMut ? 'mutation' : 'crossover';
        out.push(guard.accept(this.child(kind, parents, guard, ctx.rng)));
      }
      return out;
    }
    const P = this.s.populationSize;
    const n = ctx.history.length;
    const gen = Math.floor(n / P);
    const pos = n % P;
    if (gen > 0 && pos === 0 && ctx.history.some(isPending)) return [];
    let parents: EncodedResult[] = [];
    if (gen > 0) {
      const earlier = results.filter((r) => r.trial.sequence < gen * P);
      const current = earlier.filter((r) => r.trial.sequence >= (gen - 1) * P);
      parents = topK(this.s.selectFrom === 'current' && current.length > 0 ? current : earlier, this.s.selectNum);
    }
    const take = Math.min(ctx.count, P - pos);
    for (let j = 0; j < take; j++) {
      const p = pos + j;
      const kind = parents.length === 0 || p >= this.s.mutationNum + this.s.crossoverNum ? 'random' : p < this.s.mutationNum ? 'mutation' : 'crossover';
      out.push(guard.accept(this.child(kind, parents, guard, ctx.rng)));
    }
    return out;
  }

  /**
   * Generations of `populationSize` trials in sequence order, complete once all their trials
   * finished, with the top `selectNum` candidates after each (over all trials so far; over the
   * generation itself with `selectFrom: current` in generational mode). In steady-state mode this
   * gives one export every populationSize trials. See completeGenerations.
   */
  generations(history: readonly TrialView[], from: number): GenerationSummary[] {
    return completeGenerations(history, from, {
      size: this.s.populationSize,
      top: this.s.selectNum,
      optimizeMode: this.s.optimizeMode,
      currentOnly: this.s.mode === 'generational' && this.s.selectFrom === 'current',
    });
  }

  /** One legal child of the given kind, else a random legal candidate, else a fitting duplicate. */
  private child(kind: 'random' | 'mutation' | 'crossover', parents: readonly EncodedResult[], guard: ProposalGuard, rng: Rng): Candidate {
    if (kind !== 'random') {
      for (let t = 0; t < TRIES_PER_CHILD; t++) {
        const a = (parents[rng.int(parents.length)] as EncodedResult).genome;
        const genome = kind === 'mutation' ? mutateEach(a, this.enc, this.s.mutationProb, rng) : crossover(a, (parents[rng.int(parents.length)] as EncodedResult).genome, rng);
        const c = this.enc.decode(genome);
        if (guard.isLegal(c)) return c;
      }
    }
    return guard.sampleFitting(this.space, rng, this.s.maxTries);
  }
}

/** Reads and cross-checks the evolution classArgs. Throws TunerArgsError naming the argument. */
export function readEvolutionSettings(args: Record<string, unknown>, cost: CostModel | undefined): EvolutionSettings {
  const common = readCommonArgs(args, cost);
  const s: EvolutionSettings = {
    mode: readEnum(args, 'mode', ['steady-state', 'generational'] as const, 'steady-state'),
    selectFrom: readEnum(args, 'selectFrom', ['all', 'current'] as const, 'all'),
    populationSize: readNumber(args, 'populationSize', 50, { min: 2, integer: true }),
    selectNum: readNumber(args, 'selectNum', 10, { min: 1, integer: true }),
    mutationNum: readNumber(args, 'mutationNum', 25, { min: 0, integer: true }),
    crossoverNum: readNumber(args, 'crossoverNum', 25, { min: 0, integer: true }),
    mutationProb: readNumber(args, 'mutationProb', 0.1, { min: 0, max: 1 }),
    maxTries: readNumber(args, 'maxTries', 1000, { min: 1, integer: true }),
    ...common,
  };
  if (s.selectNum > s.populationSize) throw new TunerArgsError('/selectNum', `must be <= populationSize (${s.populationSize}), got ${s.selectNum}`);
  if (s.mode === 'generational' && s.mutationNum + s.crossoverNum > s.populationSize) {
    throw new TunerArgsError('/mutationNum', `mutationNum + crossoverNum (${s.mutationNum + s.crossoverNum}) must be <= populationSize (${s.populationSize}) in generational mode`);
  }
  return s;
}

/** Factory of {@link EvolutionTuner} ("Evolution"); create throws TunerArgsError on bad classArgs or space. */
export const evolutionTunerFactory: TunerFactory = {
  name: 'Evolution',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    return new EvolutionTuner(searchSpace, cost, readEvolutionSettings(classArgs, cost));
  },
};
