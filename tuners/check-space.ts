import type { CostModel, SearchSpace } from './search-space';
import { costModelProblem } from './space/cost';
import { spaceProblem } from './space/sample';
import { TunerArgsError } from './tuner-error';

/**
 * Checks that a space is usable and that its cost model fits it; called first by every tuner
 * factory's create. Throws TunerArgsError (path "") naming the bad key and what to fix.
 */
export function checkSpace(space: SearchSpace, cost: CostModel | undefined): void {
  const p = spaceProblem(space) ?? (cost ? costModelProblem(space, cost) : undefined);
  if (p !== undefined) throw new TunerArgsError('', p);
}
