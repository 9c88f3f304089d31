import type { Rng } from '../../../tuners/rng';
import type { BoardItem } from './prioritized-board';
import { boardOpFrequencies } from './prioritized-board';
import type { HowToProb } from './cream-options';

/**
 * The op distribution of a step (Cream's `get_prob`): `even` uniform; `pre_prob` the fixed
 * PRE_PROB; `teacher` the board's op frequencies (uniform while empty). Pure.
 */
export function opProbabilities(how: HowToProb, preProb: readonly number[], board: readonly BoardItem[], numOps: number): number[] {
  if (how === 'pre_prob') return [...preProb];
  if (how === 'teacher') return boardOpFrequencies(board, numOps);
  return new Array<number>(numOps).fill(1 / numOps);
}

/** One categorical draw by inverse CDF (the last op absorbs rounding). */
export function drawCategorical(probs: readonly number[], rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i] as number;
    if (u < acc) return i;
  }
  let last = probs.length - 1;
  while (last > 0 && (probs[last] as number) === 0) last--;
  return last;
}

/** A path: each of `numLayers` layers' op drawn i.i.d. from `probs` (Cream's `get_cand_with_prob`). */
export function samplePathWith(probs: readonly number[], numLayers: number, rng: Rng): number[] {
  return Array.from({ length: numLayers }, () => drawCategorical(probs, rng));
}
