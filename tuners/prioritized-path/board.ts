import type { Candidate } from '../tuner';

/**
 * One path on Cream's prioritized board (ALGORITHMS.md §2.3), as the daemon and the web UI show
 * it. Plain JSON: no class, no functions.
 */
export interface BoardEntry {
  /** The trial that evaluated the path. */
  readonly trialId: string;
  readonly sequence: number;
  readonly parameters: Candidate;
  /** The reported final metric (`default`), unchanged. */
  readonly metric: number;
  /** `metric` when maximizing, `-metric` when minimizing: higher is always better. */
  readonly fitness: number;
  /** FLOPs of the path (cost model, else the reported `flops` metric), null when unknown. */
  readonly flops: number | null;
}

/** Cream's admission parameters. */
export interface BoardRules {
  /** K, the board's capacity (Cream's POOL_SIZE, default 10). */
  readonly size: number;
  /**
   * The margin of rule 2, in the unit of the metric (Cream: 5 accuracy points on a 0–100 scale;
   * use 0.05 for a metric reported as a fraction in [0, 1]).
   */
  readonly accGap: number;
}

/**
 * Board order: fitness descending, then FLOPs descending on ties (Cream sorts the tuple
 * (prec1, flops) in reverse), then the earlier trial first so the order is total and
 * deterministic. Unknown FLOPs sort after known ones.
 */
export function compareEntries(a: BoardEntry, b: BoardEntry): number {
  return b.fitness - a.fitness || (b.flops ?? -Infinity) - (a.flops ?? -Infinity) || a.sequence - b.sequence;
}

/** The last entry of a sorted board (Cream's "worst"), or undefined when the board is empty. */
export function worstEntry(board: readonly BoardEntry[]): BoardEntry | undefined {
  return board[board.length - 1];
}

/**
 * Cream's insertion test (§2.3) on a board sorted by {@link compareEntries}: admit when the board
 * holds fewer than K entries; or the path beats the worst by more than `accGap`; or it beats the
 * worst and has fewer FLOPs than it (never when either FLOPs is unknown). Comparisons are strict,
 * as in Cream. Pure.
 */
export function qualifies(board: readonly BoardEntry[], entry: BoardEntry, rules: BoardRules): boolean {
  const worst = worstEntry(board);
  if (worst === undefined || board.length < rules.size) return true;
  if (entry.fitness > worst.fitness + rules.accGap) return true;
  return entry.fitness > worst.fitness && entry.flops !== null && worst.flops !== null && entry.flops < worst.flops;
}

/**
 * One insertion step: when {@link qualifies}, returns a new board with the entry inserted, sorted
 * by {@link compareEntries} and cut to K entries (Cream drops the last one); otherwise returns the
 * board unchanged (the same array). Assumes `board` is sorted. Pure; never throws.
 */
export function admit(board: readonly BoardEntry[], entry: BoardEntry, rules: BoardRules): readonly BoardEntry[] {
  if (!qualifies(board, entry, rules)) return board;
  return [...board, entry].sort(compareEntries).slice(0, rules.size);
}
