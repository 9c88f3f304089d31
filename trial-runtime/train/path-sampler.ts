import type { Rng } from '../../tuners/rng';
import type { SearchSpace } from '../../tuners/search-space';
import type { Supernet } from '../supernets/supernet';

/** Draws one architecture (candidate indices in search-space key order) per training step. */
export interface PathSampler {
  /** Called once per training step with that step's RNG; never mutates shared state. */
  sample(rng: Rng): number[];
}

/** Options of NNI's / SPOS's FLOPs-bin uniform sampling. */
export interface FlopsBinOptions {
  /** Lower bound of the FLOPs window (MACs), e.g. 290e6. */
  minFlops: number;
  /** Upper bound of the FLOPs window (MACs), e.g. 360e6. */
  maxFlops: number;
  /** Number of equal-width bins over [min, max] (default 7). */
  bins?: number;
  /** Uniform draws tried before falling back to one unconstrained draw (default 500). */
  timeout?: number;
  /** NNI's variant: a new bin on every try (default false: SPOS's one bin per step). */
  newBinEachTry?: boolean;
}

/**
 * Number of candidates per search-space key, in key order; throws RangeError for a key that is
 * not a finite choice (`choice` / `layer_choice`). Pure.
 */
export function choiceCounts(space: SearchSpace): number[] {
  return Object.entries(space).map(([key, spec]) => {
    if (spec._type === 'choice' || spec._type === 'layer_choice') return spec._value.length;
    throw new RangeError(`path sampling needs choice/layer_choice keys; '${key}' is ${spec._type}`);
  });
}

/** Uniform single-path sampling (SPOS): each layer's candidate drawn independently and uniformly. */
export class UniformPathSampler implements PathSampler {
  private readonly counts: number[];
  /** Throws as {@link choiceCounts}. */
  constructor(space: SearchSpace) {
    this.counts = choiceCounts(space);
  }
  sample(rng: Rng): number[] {
    return this.counts.map((n) => rng.int(n));
  }
}

/**
 * FLOPs of an index architecture, fast: the additive cost model when the supernet has one, else
 * `supernet.cost`. Pure given the supernet's configuration.
 */
export function flopsFunction(net: Supernet): (arch: number[]) => number {
  const model = net.costModel();
  if (model === undefined) return (arch) => net.cost(arch).flops;
  const space = net.searchSpace();
  const table = Object.keys(space).map((k) => {
    const spec = space[k];
    const names = spec && (spec._type === 'choice' || spec._type === 'layer_choice') ? spec._value.map(String) : [];
    return names.map((name) => model.perChoice[k]?.[name]?.flops ?? 0);
  });
  return (arch) => arch.reduce((sum, c, i) => sum + (table[i]?.[c] ?? 0), model.base.flops);
}

/**
 * FLOPs-balanced sampling (SPOS `train.py`, NNI `SPOSSupernetTrainingMutator`): pick one of
 * `bins` equal-width FLOPs bins over [minFlops, maxFlops] uniformly, draw uniform paths until one
 * falls into it (the last bin includes maxFlops), for at most `timeout` draws; if none fits, one
 * unconstrained uniform draw. With `newBinEachTry` a fresh bin is drawn on every try (NNI).
 */
export class FlopsBinPathSampler implements PathSampler {
  private readonly uniform: UniformPathSampler;
  private readonly bins: number;
  private readonly timeout: number;
  /** Last call's outcome (for logs/tests): whether the draw fell back to unconstrained. */
  lastFellBack = false;

  /** Throws RangeError for an empty window, non-positive bins or timeout. */
  constructor(
    space: SearchSpace,
    private readonly flopsOf: (arch: number[]) => number,
    private readonly options: FlopsBinOptions,
  ) {
    this.uniform = new UniformPathSampler(space);
    this.bins = options.bins ?? 7;
    this.timeout = options.timeout ?? 500;
    if (!(options.maxFlops > options.minFlops)) throw new RangeError(`FLOPs window [${options.minFlops}, ${options.maxFlops}] is empty`);
    if (!(Number.isInteger(this.bins) && this.bins > 0)) throw new RangeError(`FLOPs bins must be a positive integer, got ${this.bins}`);
    if (!(Number.isInteger(this.timeout) && this.timeout > 0)) throw new RangeError(`timeout must be a positive integer, got ${this.timeout}`);
  }

  /** Bounds [lo, hi) of bin `b` (the last bin is closed at maxFlops). */
  binBounds(b: number): [number, number] {
    const w = (this.options.maxFlops - this.options.minFlops) / this.bins;
    return [this.options.minFlops + b * w, this.options.minFlops + (b + 1) * w];
  }

  sample(rng: Rng): number[] {
    let bin = rng.int(this.bins);
    for (let t = 0; t < this.timeout; t++) {
      if (t > 0 && this.options.newBinEachTry) bin = rng.int(this.bins);
      const arch = this.uniform.sample(rng);
      const f = this.flopsOf(arch);
      const [lo, hi] = this.binBounds(bin);
      if (f >= lo && (f < hi || (bin === this.bins - 1 && f <= hi))) {
        this.lastFellBack = false;
        return arch;
      }
    }
    this.lastFellBack = true;
    return this.uniform.sample(rng);
  }
}

/** Always the same path: training one fixed architecture from scratch (SPOS step 3). */
export class FixedPathSampler implements PathSampler {
  constructor(private readonly arch: readonly number[]) {}
  sample(): number[] {
    return [...this.arch];
  }
}
