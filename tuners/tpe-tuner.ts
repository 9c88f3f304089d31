import type { CostModel, ParameterSpec, SearchSpace } from './search-space';
import type { Candidate, CostLimits, OptimizeMode, ProposeContext, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import type { Rng } from './rng';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { scoredTrials, topK } from './history-results';
import { ProposalGuard } from './proposal-guard';
import { HistoryKeys } from './history-keys';
import { createEncoding } from './space/encode';
import type { Encoding } from './space/encode';
import { quantize } from './space/sample';
import { ResultEncoder } from './evolution/encoded-results';
import type { EncodedResult } from './evolution/encoded-results';
import { fitParzen, logPdfParzen, sampleParzen } from './tpe/parzen';
import type { Parzen } from './tpe/parzen';

const SCHEMA = classArgsSchema({
  startupTrials: { type: 'integer', minimum: 1, default: 20, description: 'Random proposals until this many trials succeeded (hyperopt n_startup_jobs).' },
  gamma: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.25, description: 'Share of good trials: n_below = min(ceil(gamma*sqrt(n)), 25).' },
  eiCandidates: { type: 'integer', minimum: 1, default: 24, description: 'Draws from l(x) per parameter; the one maximizing l/g wins.' },
  maxTries: { type: 'integer', minimum: 1, default: 1000 },
});

/** Settings of {@link TpeTuner} after defaults. */
export interface TpeSettings {
  startupTrials: number;
  gamma: number;
  eiCandidates: number;
  maxTries: number;
  optimizeMode: OptimizeMode;
  limits: CostLimits;
}

/** How a continuous gene is modelled: transform to the modelling space and back, bounds, prior. */
interface ContinuousModel {
  toModel(v: number): number;
  fromModel(x: number): number;
  low: number;
  high: number;
  mu: number;
  sigma: number;
}

/** Counts (with a +1 prior per value) of a discrete gene among the good (l) and the other (g) trials, and their totals. */
interface CategoricalDensities {
  kind: 'discrete';
  l: number[];
  g: number[];
  zl: number;
  zg: number;
}

/** l(x) and g(x) of one gene, fitted once per propose. */
type GeneDensities = CategoricalDensities | { kind: 'continuous'; model: ContinuousModel; l: Parzen; g: Parzen };

function continuousModel(spec: ParameterSpec): ContinuousModel {
  const id = (x: number): number => x;
  const logv = (v: number): number => Math.log(Math.max(v, 1e-12));
  switch (spec._type) {
    case 'uniform':
      return { toModel: id, fromModel: id, low: spec._value[0], high: spec._value[1], mu: (spec._value[0] + spec._value[1]) / 2, sigma: Math.max(1e-12, spec._value[1] - spec._value[0]) };
    case 'loguniform':
    case 'qloguniform': {
      const [a, b] = [Math.log(spec._value[0]), Math.log(spec._value[1])];
      const q = spec._type === 'qloguniform' ? spec._value[2] : undefined;
      const back = (x: number): number => (q === undefined ? Math.exp(x) : Math.min(spec._value[1], Math.max(spec._value[0], quantize(Math.exp(x), q))));
      return { toModel: logv, fromModel: back, low: a, high: b, mu: (a + b) / 2, sigma: Math.max(1e-12, b - a) };
    }
    case 'normal':
    case 'qnormal': {
      const q = spec._type === 'qnormal' ? spec._value[2] : undefined;
      return { toModel: id, fromModel: (x) => (q === undefined ? x : quantize(x, q)), low: -Infinity, high: Infinity, mu: spec._value[0], sigma: spec._value[1] };
    }
    case 'lognormal':
    case 'qlognormal': {
      const q = spec._type === 'qlognormal' ? spec._value[2] : undefined;
      return { toModel: logv, fromModel: (x) => (q === undefined ? Math.exp(x) : quantize(Math.exp(x), q)), low: -Infinity, high: Infinity, mu: spec._value[0], sigma: spec._value[1] };
    }
    default:
      throw new RangeError(`${spec._type} is not a continuous type`);
  }
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011; NNI's default tuner via hyperopt).
 * Random until `startupTrials` trials SUCCEEDED; then the scored trials are split into the best
 * n_below = min(ceil(gamma·sqrt(n)), 25) and the rest, and each parameter independently takes,
 * of `eiCandidates` draws from l(x) (the good trials' density), the one maximizing l(x)/g(x).
 * Discrete parameters (choice, layer_choice, input_choice, randint, quniform) use categorical
 * densities with a +1 prior per value; continuous ones the adaptive Parzen estimator (log space
 * for log types). Batch members are kept distinct from each other and from the history (10 tries,
 * then a random legal candidate); running trials are not modelled (no constant liar).
 */
export class TpeTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  private readonly enc: Encoding;
  private readonly encoder: ResultEncoder;
  private readonly models: (ContinuousModel | undefined)[];

  constructor(
    private readonly space: SearchSpace,
    private readonly cost: CostModel | undefined,
    private readonly s: TpeSettings,
  ) {
    this.enc = createEncoding(space);
    this.encoder = new ResultEncoder(this.enc, space);
    const specs = Object.values(space);
    this.models = this.enc.genes.map((g, i) => (g.kind === 'continuous' ? continuousModel(specs[i] as ParameterSpec) : undefined));
  }

  /** Exactly ctx.count candidates. Throws TunerError when nothing fits the cost limits. */
  propose(ctx: ProposeContext): Candidate[] {
    const guard = new ProposalGuard(this.historyKeys.sync(ctx.history), this.s.limits, this.cost);
    const results = this.encoder.encode(scoredTrials(ctx.history, this.s.optimizeMode));
    const densities = results.length >= this.s.startupTrials ? this.fit(results) : undefined;
    const out: Candidate[] = [];
    for (let i = 0; i < ctx.count; i++) {
      let c: Candidate | undefined;
      for (let t = 0; densities !== undefined && t < 10 && c === undefined; t++) {
        const d = this.enc.decode(this.suggest(densities, ctx.rng));
        if (guard.isLegal(d)) c = d;
      }
      c ??= guard.sampleFitting(this.space, ctx.rng, this.s.maxTries);
      out.push(guard.accept(c));
    }
    return out;
  }

  /** l(x) and g(x) of every gene, from the split of `results` into the best n_below and the rest; once per propose. */
  private fit(results: readonly EncodedResult[]): GeneDensities[] {
    const nBelow = Math.min(Math.ceil(this.s.gamma * Math.sqrt(results.length)), 25);
    const best = new Set(topK(results, nBelow));
    const below = results.filter((r) => best.has(r)).map((r) => r.genome);
    const above = results.filter((r) => !best.has(r)).map((r) => r.genome);
    return this.enc.genes.map((gene, i): GeneDensities => {
      if (gene.kind === 'discrete') {
        const l = new Array<number>(gene.size).fill(1);
        const g = new Array<number>(gene.size).fill(1);
        for (const x of below) l[x[i] as number] = (l[x[i] as number] as number) + 1;
        for (const x of above) g[x[i] as number] = (g[x[i] as number] as number) + 1;
        return { kind: 'discrete', l, g, zl: below.length + gene.size, zg: above.length + gene.size };
      }
      const m = this.models[i] as ContinuousModel;
      return {
        kind: 'continuous',
        model: m,
        l: fitParzen(below.map((x) => m.toModel(x[i] as number)), m.mu, m.sigma, m.low, m.high),
        g: fitParzen(above.map((x) => m.toModel(x[i] as number)), m.mu, m.sigma, m.low, m.high),
      };
    });
  }

  /** One genome: per gene, of `eiCandidates` draws from l(x), the one maximizing l(x)/g(x). */
  private suggest(densities: readonly GeneDensities[], rng: Rng): number[] {
    return densities.map((d) => {
      if (d.kind === 'discrete') return this.suggestCategorical(d, rng);
      let bestX = sampleParzen(d.l, rng);
      let bestScore = -Infinity;
      for (let k = 0; k < this.s.eiCandidates; k++) {
        const x = k === 0 ? bestX : sampleParzen(d.l, rng);
        const score = logPdfParzen(d.l, x) - logPdfParzen(d.g, x);
        if (score > bestScore) [bestScore, bestX] = [score, x];
      }
      return d.model.fromModel(bestX);
    });
  }

  private suggestCategorical(d: CategoricalDensities, rng: Rng): number {
    const size = d.l.length;
    let best = 0;
    let bestScore = -Infinity;
    for (let k = 0; k < this.s.eiCandidates; k++) {
      let u = rng.next() * d.zl;
      let v = 0;
      while (v < size - 1 && u >= (d.l[v] as number)) u -= d.l[v++] as number;
      const score = Math.log((d.l[v] as number) / d.zl) - Math.log((d.g[v] as number) / d.zg);
      if (score > bestScore) [bestScore, best] = [score, v];
    }
    return best;
  }
}

/** Factory of {@link TpeTuner} ("TPE"); create throws TunerArgsError on bad classArgs or space. */
export const tpeTunerFactory: TunerFactory = {
  name: 'TPE',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    return new TpeTuner(searchSpace, cost, {
      startupTrials: readNumber(classArgs, 'startupTrials', 20, { min: 1, integer: true }),
      gamma: readNumber(classArgs, 'gamma', 0.25, { min: Number.MIN_VALUE, max: 1 }),
      eiCandidates: readNumber(classArgs, 'eiCandidates', 24, { min: 1, integer: true }),
      maxTries: readNumber(classArgs, 'maxTries', 1000, { min: 1, integer: true }),
      ...readCommonArgs(classArgs, cost),
    });
  },
};
