import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits, OptimizeMode, ProposeContext, TrialView, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import type { Rng } from './rng';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { ProposalGuard } from './proposal-guard';
import { HistoryKeys } from './history-keys';
import { createEncoding } from './space/encode';
import type { Encoding } from './space/encode';
import { mutateOne } from './evolution/operators';
import { TunerError } from './tuner-error';
import type { BoardEntry } from './prioritized-path/board';
import { buildBoard, HistoryBoard } from './prioritized-path/history-board';
import type { BoardOptions } from './prioritized-path/history-board';
import { sampleInWindow } from './prioritized-path/window-sampler';

export type { BoardEntry } from './prioritized-path/board';

/** Default probability that a proposal mutates a board path instead of drawing a new one. */
export const DEFAULT_EXPLOIT = 0.5;

const SCHEMA = classArgsSchema({
  boardSize: { type: 'integer', minimum: 1, default: 10, description: "K: paths kept on the prioritized board (Cream's POOL_SIZE)." },
  accGap: {
    type: 'number',
    minimum: 0,
    default: 5,
    description: 'Admission margin over the worst board path, in the unit of the reported metric: 5 = five accuracy points on a 0-100 scale (Cream); use 0.05 when the metric is a fraction in [0, 1].',
  },
  exploit: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: DEFAULT_EXPLOIT,
    description: 'Probability that a proposal is a one-choice mutation of a board path (biased to the better ranks) instead of a new path drawn uniformly within the FLOPs window (0 = Cream: new paths only).',
  },
  maxTries: { type: 'integer', minimum: 1, default: 1000, description: 'Uniform draws per proposal before the window fallback (FLOPs window / duplicates).' },
});

/** Settings of {@link PrioritizedPathTuner} after defaults. */
export interface PrioritizedPathSettings {
  boardSize: number;
  accGap: number;
  exploit: number;
  maxTries: number;
  optimizeMode: OptimizeMode;
  /** The FLOPs window is `flopsMin`..`flopsMax` (classArgs flopsMin / flopsLimit), plus paramsMax. */
  limits: CostLimits;
}

/** Mutation attempts per proposal before drawing a new path. */
const TRIES_PER_CHILD = 10;
/** Restarts of the window fallback sampler. */
const WINDOW_ATTEMPTS = 100;

/**
 * Cream of the Crop's prioritized paths (Peng et al. 2020; ALGORITHMS.md §2.2–2.3) as a tuner: a
 * board of the best `boardSize` paths within the FLOPs window, ranked by the reported final
 * metric and filled by Cream's admission rules ({@link buildBoard}); proposals are new paths drawn
 * uniformly within the window (rejection sampling, `maxTries` draws, then a constrained draw
 * that keeps the window reachable, then a TunerError naming the limits) or, with probability
 * `exploit` once the board has a path, a one-choice mutation of a board path (the better of two
 * uniformly drawn board ranks, so rank i of K is picked with probability (2(K-i)-1)/K²).
 *
 * Deviations, deliberate: Cream samples paths for supernet training and never proposes
 * mutations; `exploit` > 0 (default 0.5) adds them because a tuner that only draws uniformly is
 * random search. Proposals are kept new (never proposed before) while possible. The board is
 * rebuilt from the history on every call (each trial's space and cost checks done once, see
 * {@link HistoryBoard}), so resume needs no saved state.
 */
export class PrioritizedPathTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  private readonly enc: Encoding;
  private readonly historyBoard: HistoryBoard;

  constructor(
    private readonly space: SearchSpace,
    private readonly cost: CostModel | undefined,
    private readonly s: PrioritizedPathSettings,
  ) {
    this.enc = createEncoding(space);
    this.historyBoard = new HistoryBoard(boardOptions(s, space, cost));
  }

  /**
   * The prioritized board for a history, best first. Called by propose and by the daemon / web UI
   * to show the board; pure (same history, same board), never throws.
   */
  board(history: readonly TrialView[]): BoardEntry[] {
    return this.historyBoard.build(history);
  }

  /** Exactly ctx.count candidates. Throws TunerError when no path fits the FLOPs window / limits. */
  propose(ctx: ProposeContext): Candidate[] {
    const guard = new ProposalGuard(this.historyKeys.sync(ctx.history), this.s.limits, this.cost);
    const board = this.board(ctx.history);
    const out: Candidate[] = [];
    for (let i = 0; i < ctx.count; i++) {
      const exploit = board.length > 0 && ctx.rng.next() < this.s.exploit;
      out.push(guard.accept((exploit ? this.mutant(board, guard, ctx.rng) : undefined) ?? this.fresh(guard, ctx.rng)));
    }
    return out;
  }

  /** A legal one-choice mutant of a board path (better of two random ranks), or undefined after TRIES_PER_CHILD attempts. */
  private mutant(board: readonly BoardEntry[], guard: ProposalGuard, rng: Rng): Candidate | undefined {
    for (let t = 0; t < TRIES_PER_CHILD; t++) {
      const parent = board[Math.min(rng.int(board.length), rng.int(board.length))] as BoardEntry;
      const c = this.enc.decode(mutateOne(this.enc.encode(parent.parameters), this.enc, rng));
      if (guard.isLegal(c)) return c;
    }
    return undefined;
  }

  /** A new path drawn uniformly within the window; the constrained fallback; else TunerError. */
  private fresh(guard: ProposalGuard, rng: Rng): Candidate {
    try {
      return guard.sampleFitting(this.space, rng, this.s.maxTries);
    } catch (e) {
      if (!(e instanceof TunerError) || this.cost === undefined) throw e;
      const c = sampleInWindow(this.space, this.cost, this.s.limits, rng, WINDOW_ATTEMPTS);
      if (c !== undefined) return c;
      throw new TunerError(
        `PrioritizedPath: no path within the FLOPs window / limits ${JSON.stringify(this.s.limits)} was found (${this.s.maxTries} uniform draws, ` +
          `then ${WINDOW_ATTEMPTS} constrained draws); widen flopsMin..flopsLimit or paramsLimit to the range of the search space cost model`,
        { cause: e },
      );
    }
  }
}

/** True when a tuner exposes a prioritized board (the daemon shows it in the API / web UI). */
export function hasBoard(tuner: Tuner): tuner is Tuner & { board(history: readonly TrialView[]): BoardEntry[] } {
  return typeof (tuner as { board?: unknown }).board === 'function';
}

/** Reads the PrioritizedPath classArgs after defaults. Throws TunerArgsError naming the argument. */
export function readPrioritizedPathSettings(args: Record<string, unknown>, cost: CostModel | undefined): PrioritizedPathSettings {
  return {
    boardSize: readNumber(args, 'boardSize', 10, { min: 1, integer: true }),
    accGap: readNumber(args, 'accGap', 5, { min: 0 }),
    exploit: readNumber(args, 'exploit', DEFAULT_EXPLOIT, { min: 0, max: 1 }),
    maxTries: readNumber(args, 'maxTries', 1000, { min: 1, integer: true }),
    ...readCommonArgs(args, cost),
  };
}

/**
 * The board of a history under PrioritizedPath classArgs, for callers that hold a config rather
 * than a tuner (the daemon's REST handler). Pure; throws TunerArgsError on bad classArgs.
 */
export function prioritizedBoard(
  history: readonly TrialView[],
  space: SearchSpace,
  classArgs: Record<string, unknown>,
  cost?: CostModel,
): BoardEntry[] {
  return buildBoard(history, boardOptions(readPrioritizedPathSettings(classArgs, cost), space, cost));
}

function boardOptions(s: PrioritizedPathSettings, space: SearchSpace, cost: CostModel | undefined): BoardOptions {
  return { rules: { size: s.boardSize, accGap: s.accGap }, optimizeMode: s.optimizeMode, limits: s.limits, cost, space };
}

/** Factory of {@link PrioritizedPathTuner} ("PrioritizedPath"); create throws TunerArgsError on bad classArgs or space. */
export const prioritizedPathTunerFactory: TunerFactory = {
  name: 'PrioritizedPath',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    return new PrioritizedPathTuner(searchSpace, cost, readPrioritizedPathSettings(classArgs, cost));
  },
};
