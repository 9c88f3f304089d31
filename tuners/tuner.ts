import type { SearchSpace, CostModel } from './search-space';
import type { Rng } from './rng';

/** Parameters of a trial as tuners see them (same shape as the protocol's TrialParameters). */
export type Candidate = Record<string, unknown>;

/** Read-only view of one trial, as tuners see the history. */
export interface TrialView {
  readonly id: string;
  /** 0-based creation order within the experiment. */
  readonly sequence: number;
  readonly parameters: Candidate;
  readonly status: 'WAITING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'USER_CANCELED' | 'SYS_CANCELED' | 'EARLY_STOPPED';
  /** The final metric's `default` value, when the trial reported one. */
  readonly finalMetric?: number;
  /** The full final metric when it was a dict (e.g. {default, flops}). */
  readonly finalMetricDict?: Readonly<Record<string, number>>;
  /** Intermediate `default` values in report order. */
  readonly intermediate: readonly number[];
}

/** Everything a tuner may use to propose. No I/O, no clock, no Math.random(). */
export interface ProposeContext {
  /** How many candidates the daemon can start now (>= 1). A tuner may return fewer. */
  readonly count: number;
  /** Every trial of the experiment so far, in sequence order, including running ones. */
  readonly history: readonly TrialView[];
  /** Seeded RNG; the daemon derives it from the experiment seed and the history length. */
  readonly rng: Rng;
}

export type OptimizeMode = 'maximize' | 'minimize';

/** Limits on architecture cost, checked with the search space's cost model. */
export interface CostLimits {
  flopsMin?: number;
  flopsMax?: number;
  paramsMax?: number;
}

/**
 * A search algorithm. Created by a {@link TunerFactory} from the space and classArgs; its state
 * must be derivable from the history (the daemon recreates tuners on resume and calls `propose`
 * with the full history).
 */
export interface Tuner {
  /**
   * Called whenever the daemon has free slots. Returns up to `ctx.count` candidates, each inside
   * the search space. Returning [] means "nothing now" (e.g. waiting for a generation to finish);
   * the daemon asks again after the next trial ends. Throws only on a bug or bad classArgs; the
   * daemon then puts the experiment in ERROR with the message and loses nothing.
   */
  propose(ctx: ProposeContext): Candidate[];
  /** Optional: told when a trial reaches a final state (after its metrics were recorded). */
  trialEnded?(trial: TrialView): void;
  /** Optional: true once the tuner will never propose again (e.g. the grid is exhausted). */
  isExhausted?(ctx: { history: readonly TrialView[] }): boolean;
  /**
   * Optional, for generation-based tuners: the generations numbered `from`, `from + 1`, ... that
   * are complete in `history` (every trial of them finished), in order, stopping at the first
   * incomplete one ([] when generation `from` is not complete). Pure. Called by the daemon after a
   * trial ends (and on start) to write each generation's top candidates to
   * `<experiment dir>/export/generation_NNN.json` once.
   */
  generations?(history: readonly TrialView[], from: number): GenerationSummary[];
}

/** One complete generation of a generation-based tuner, as exported by the daemon. */
export interface GenerationSummary {
  /** 0-based generation number. */
  readonly generation: number;
  /** Sequence numbers of the first and last trial of the generation. */
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** The tuner's top candidates after this generation, best first (its parents of the next one). */
  readonly top: readonly TrialView[];
}

export interface TunerCreateArgs {
  searchSpace: SearchSpace;
  classArgs: Record<string, unknown>;
  cost?: CostModel;
}

export interface TunerFactory {
  /** Canonical name, matched case-insensitively from the config's `tuner.name`. */
  readonly name: string;
  /** JSON Schema of classArgs (merged into the config schema for validation and docs). */
  readonly classArgsSchema: object;
  create(args: TunerCreateArgs): Tuner;
}
