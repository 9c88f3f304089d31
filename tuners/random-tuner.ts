import type { CostModel, SearchSpace } from './search-space';
import { checkSpace } from './check-space';
import type { Candidate, CostLimits, ProposeContext, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { ProposalGuard } from './proposal-guard';
import { HistoryKeys } from './history-keys';

const SCHEMA = classArgsSchema({
  maxTries: { type: 'integer', minimum: 1, default: 1000, description: 'Random draws per proposal before giving up on cost limits / duplicates.' },
});

/**
 * Uniform random search (NNI's "Random"). Each proposal is a uniform draw that fits the cost
 * limits (rejection sampling, `maxTries` draws) and, when possible, differs from every earlier
 * trial. Stateless: everything comes from the context.
 */
export class RandomTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  constructor(
    private readonly space: SearchSpace,
    private readonly limits: CostLimits,
    private readonly cost: CostModel | undefined,
    private readonly maxTries: number,
  ) {}

  /** Returns exactly ctx.count candidates. Throws TunerError when nothing fits the cost limits. */
  propose(ctx: ProposeContext): Candidate[] {
    const guard = new ProposalGuard(this.historyKeys.sync(ctx.history), this.limits, this.cost);
    const out: Candidate[] = [];
    for (let i = 0; i < ctx.count; i++) out.push(guard.accept(guard.sampleFitting(this.space, ctx.rng, this.maxTries)));
    return out;
  }
}

/** Factory of {@link RandomTuner}; create throws TunerArgsError on bad classArgs or space. */
export const randomTunerFactory: TunerFactory = {
  name: 'Random',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    const { limits } = readCommonArgs(classArgs, cost);
    return new RandomTuner(searchSpace, limits, cost, readNumber(classArgs, 'maxTries', 1000, { min: 1, integer: true }));
  },
};
