import type { CostModel, SearchSpace } from './search-space';
import type { Candidate, CostLimits, ProposeContext, TrialView, Tuner, TunerCreateArgs, TunerFactory } from './tuner';
import { checkSpace } from './check-space';
import { classArgsSchema, readCommonArgs, readNumber, rejectUnknownArgs } from './class-args';
import { canonicalKey } from './space/canonical-key';
import { boundsAdmit, candidateCost, costBounds, noLimits, withinLimits } from './space/cost';
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
  private cursor = 0;
  private cursorIds: string[] = [];
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
    const seen = this.seenKeys(ctx.history);
    const out: Candidate[] = [];
    let i = this.advance(ctx.history, seen);
    let scanned = 0;
    for (; i < this.grid.size && out.length < ctx.count && scanned < this.scanBudget; i++, scanned++) {
      const c = this.grid.at(i);
      const key = canonicalKey(c);
      if (seen.has(key) || !this.fits(c)) continue;
      seen.add(key);
      out.push(c);
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
    return !this.feasible || this.advance(ctx.history, this.seenKeys(ctx.history)) >= this.grid.size;
  }

  private seenKeys(history: readonly TrialView[]): Set<string> {
    return new Set(history.map((t) => canonicalKey(t.parameters)));
  }

  private fits(c: Candidate): boolean {
    return this.cost === undefined || noLimits(this.limits) || withinLimits(candidateCost(c, this.cost), this.limits);
  }

  /**
   * Moves the cursor past proposed/over-limit points (at most scanBudget of them per call);
   * returns the cursor, the first index that may still be available.
   */
  private advance(history: readonly TrialView[], seen: Set<string>): number {
    const extends_ = this.cursorIds.length <= history.length && this.cursorIds.every((id, i) => history[i]?.id === id);
    if (!extends_) this.cursor = 0;
    for (let n = 0; this.cursor < this.grid.size && n < this.scanBudget; n++) {
      const c = this.grid.at(this.cursor);
      if (!seen.has(canonicalKey(c)) && this.fits(c)) break;
      this.cursor++;
    }
    this.cursorIds = history.map((t) => t.id);
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
