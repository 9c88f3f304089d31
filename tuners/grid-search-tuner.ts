import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits, ProposeContext, TrialView, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { HistoryKeys } from './history-keys';
import { ProposalGuard } from './proposal-guard';
import { boundsAdmit, costBounds } from './space/cost';
import { createGrid } from './space/grid';
import type { Grid } from './space/grid';
import { TunerArgsError, TunerError } from './tuner-error';

const SCHEMA = classArgsSchema({
  gridPoints: { type: 'integer', minimum: 1, default: 5, description: 'Grid points per continuous dimension (uniform, loguniform, normal types).' },
});

/**
 * Exhaustive grid search (NNI's "GridSearch"): walks the grid in index order (first key slowest),
 * skipping points over the cost limits and points some trial already has. Exhausted once every
 * point within the limits was proposed. The grid is lazy, so 4^20-point spaces are fine.
 *
 * State is a cursor (every grid index below it was proposed or skipped) cached together with the
 * ids of the history it was computed from; a history that does not extend the cached one (a
 * recreated tuner, another experiment) rebuilds it by scanning from 0. Each call scans at most
 * `scanBudget` grid points, so tight cost limits on a huge grid cannot hang the daemon.
 */
export class GridSearchTuner implements Tuner {
  private readonly historyKeys = new HistoryKeys();
  private cursor = 0;
  /** Ids of the history the cursor was computed from, and that history array. */
  private readonly cursorIds: string[] = [];
  private cursorHistory: readonly TrialView[] | undefined;
  /** False when the cost bounds show that no architecture fits the limits. */
  private readonly feasible: boolean;

  constructor(
    private readonly grid: Grid,
    private readonly limits: CostLimits,
    private readonly cost: CostModel | undefined,
    space: SearchSpace,
    private readonly scanBudget = 1_000_000,
  ) {
    this.feasible = cost === undefined || boundsAdmit(costBounds(space, cost), limits);
  }

  /**
   * Returns up to ctx.count unproposed grid points in order; [] once exhausted (or when the
   * limits admit no architecture at all). Throws TunerError when `scanBudget` grid points were
   * scanned without finding one within the limits (too few grid points fit; use Random).
   */
  propose(ctx: ProposeContext): Candidate[] {
    if (!this.feasible) return [];
    const guard = this.guard(ctx.history);
    const out: Candidate[] = [];
    let i = this.advance(ctx.history, guard);
    let scanned = 0;
    for (; i < this.grid.size && out.length < ctx.count && scanned < this.scanBudget; i++, scanned++) {
      const c = this.grid.at(i);
      if (guard.isLegal(c)) out.push(guard.accept(c));
    }
    if (out.length === 0 && i < this.grid.size) {
      throw new TunerError(
        `grid search scanned ${this.scanBudget} grid points after index ${this.cursor} without finding one within the cost limits ` +
          `${JSON.stringify(this.limits)}; loosen the limits or use the Random or Evolution tuner`,
      );
    }
    return out;
  }

  /** True once every grid point within the limits is in the history (or none fits the limits). */
  isExhausted(ctx: { history: readonly TrialView[] }): boolean {
    return !this.feasible || this.advance(ctx.history, this.guard(ctx.history)) >= this.grid.size;
  }

  private guard(history: readonly TrialView[]): ProposalGuard {
    return new ProposalGuard(this.historyKeys.sync(history), this.limits, this.cost);
  }

  /**
   * Moves the cursor past proposed/over-limit points (at most scanBudget of them per call);
   * returns the cursor, the first index that may still be available. The cursor restarts at 0
   * unless `history` extends the one it was computed from (the daemon's same append-only array,
   * or any history with the same ids in front).
   */
  private advance(history: readonly TrialView[], guard: ProposalGuard): number {
    const ids = this.cursorIds;
    const extends_ = (history === this.cursorHistory && history.length >= ids.length) || ids.every((id, i) => history[i]?.id === id);
    if (!extends_) {
      this.cursor = 0;
      ids.length = 0;
    }
    for (let i = ids.length; i < history.length; i++) ids.push((history[i] as TrialView).id);
    this.cursorHistory = history;
    for (let n = 0; this.cursor < this.grid.size && n < this.scanBudget; n++) {
      if (guard.isLegal(this.grid.at(this.cursor))) break;
      this.cursor++;
    }
    return this.cursor;
  }
}

/** Factory of {@link GridSearchTuner}; create throws TunerArgsError on bad classArgs or a grid too large. */
export const gridSearchTunerFactory: TunerFactory = {
  name: 'GridSearch',
  classArgsSchema: SCHEMA,
  create({ searchSpace, classArgs, cost }: TunerCreateArgs): Tuner {
    rejectUnknownArgs(classArgs, SCHEMA);
    checkSpace(searchSpace, cost);
    const { limits } = readCommonArgs(classArgs, cost);
    const gridPoints = readNumber(classArgs, 'gridPoints', 5, { min: 1, integer: true });
    let grid: Grid;
    try {
      grid = createGrid(searchSpace, gridPoints);
    } catch (e) {
      throw new TunerArgsError('', (e as Error).message, { cause: e });
    }
    return new GridSearchTuner(grid, limits, cost, searchSpace);
  },
};
