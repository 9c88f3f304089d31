/**
 * Cream's prioritized path board (ALGORITHMS.md §2.3, `Cream:lib/models/PrioritizedBoard.py`):
 * the best K paths seen in training, each with the batch slice and soft labels that the
 * meta-matching network compares students against. Pure functions over immutable arrays.
 */

/** One board entry (Cream's tuple `(prec1, prec1, flops, path, x_slice, p_slice)`). */
export interface BoardItem {
  /** Choice index per search-space key. */
  readonly arch: readonly number[];
  /** Training-batch top-1 (%) of the path, measured before its update. */
  readonly prec1: number;
  /** MFLOPs of the path (the supernet's cost model). */
  readonly flops: number;
  /** The first SLICE images of that batch, NHWC flattened. */
  readonly xSlice: Float32Array;
  /** Soft labels `[SLICE, numClasses]` flattened (⚠ Cream quirk: usually the teacher's, see CreamStrategy). */
  readonly pSlice: Float32Array;
}

/** Admission parameters: capacity K (POOL_SIZE 10) and the margin of rule 2 (acc_gap 5 points). */
export interface BoardRules {
  readonly size: number;
  readonly accGap: number;
}

/** Board order: prec1 descending, then FLOPs descending on ties (Cream sorts the tuples in reverse). */
export function compareItems(a: BoardItem, b: BoardItem): number {
  return b.prec1 - a.prec1 || b.flops - a.flops;
}

/**
 * Cream's insertion test on a sorted board: admit when it holds fewer than K entries; or
 * `prec1 > worst.prec1 + accGap`; or `prec1 > worst.prec1` and `flops < worst.flops` (strict, as
 * Cream). "Worst" is the last entry. Pure.
 */
export function qualifies(board: readonly BoardItem[], prec1: number, flops: number, rules: BoardRules): boolean {
  const worst = board[board.length - 1];
  if (worst === undefined || board.length < rules.size) return true;
  if (prec1 > worst.prec1 + rules.accGap) return true;
  return prec1 > worst.prec1 && flops < worst.flops;
}

/**
 * One insertion step: when {@link qualifies}, a new board with `item` inserted, sorted by
 * {@link compareItems} (stable: an equal entry already there stays ahead) and cut to K; otherwise
 * the same array. Assumes `board` is sorted. Pure.
 */
export function admit(board: readonly BoardItem[], item: BoardItem, rules: BoardRules): readonly BoardItem[] {
  if (!qualifies(board, item.prec1, item.flops, rules)) return board;
  return [...board, item].sort(compareItems).slice(0, rules.size);
}

/**
 * HOW_TO_PROB `teacher`: each op's frequency among the board's paths, pooled over all searchable
 * layers; uniform while the board is empty. (Cream also counts the fixed stages' `[0]` entries,
 * which inflates op 0; only the searchable layers count here.) Pure.
 */
export function boardOpFrequencies(board: readonly BoardItem[], numOps: number): number[] {
  const counts = new Array<number>(numOps).fill(0);
  for (const item of board) for (const c of item.arch) counts[c] = (counts[c] as number) + 1;
  const total = counts.reduce((a, n) => a + n, 0);
  return total === 0 ? counts.map(() => 1 / numOps) : counts.map((n) => n / total);
}
