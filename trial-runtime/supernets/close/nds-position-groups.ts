import type { SplitRule } from './close-options';

/** One group of consecutive positions `[start, end)` sharing one block. */
export interface PositionGroup {
  start: number;
  end: number;
  block: number;
}

/** What adding one level did: the new block and the block it splits from (its WIT parent). */
export interface GroupSplit {
  block: number;
  parent: number;
}

/** The groups after `level` levels and the split that made each level > 1 (`splits[l - 2]` for level l). */
export interface PositionGroups {
  groups: PositionGroup[];
  splits: GroupSplit[];
}

/**
 * NDS deterministic position groups (`GermCloseWeightsManager`, ALGORITHMS.md §3.6): start with
 * one group `[0, P)` on block 0; level l splits one group `[a, b)` at `m = ⌊(a+b)/2⌋` and gives
 * `[m, b)` block l − 1. `max` splits the longest group (the first by start on ties); `pre` the
 * group with the smallest start whose length is > 1, among the first `numCurriculums + 1` groups
 * by start (the reference's bound; it never binds while there are at most numCurriculums groups).
 * Groups are returned sorted by start. Pure. Throws RangeError when no group can be split
 * (level > P) or level < 1.
 */
export function ndsPositionGroups(positions: number, level: number, rule: SplitRule, numCurriculums: number): PositionGroups {
  if (!Number.isInteger(level) || level < 1) throw new RangeError(`level must be a positive integer, got ${level}`);
  const groups: PositionGroup[] = [{ start: 0, end: positions, block: 0 }];
  const splits: GroupSplit[] = [];
  for (let l = 2; l <= level; l++) {
    let pick: PositionGroup | undefined;
    if (rule === 'max') {
      for (const g of groups) if (g.end - g.start > 1 && (pick === undefined || g.end - g.start > pick.end - pick.start)) pick = g;
    } else {
      pick = groups.slice(0, numCurriculums + 1).find((g) => g.end - g.start > 1);
    }
    if (pick === undefined) throw new RangeError(`cannot add level ${l}: no group of the ${positions} positions has more than one position`);
    const m = Math.floor((pick.start + pick.end) / 2);
    const right: PositionGroup = { start: m, end: pick.end, block: l - 1 };
    pick.end = m;
    groups.splice(groups.indexOf(pick) + 1, 0, right);
    splits.push({ block: l - 1, parent: pick.block });
  }
  return { groups, splits };
}

/** Position -> block of {@link ndsPositionGroups}. Pure. */
export function ndsPositionMapping(positions: number, level: number, rule: SplitRule, numCurriculums: number): number[] {
  const out = new Array<number>(positions).fill(0);
  for (const g of ndsPositionGroups(positions, level, rule, numCurriculums).groups) for (let i = g.start; i < g.end; i++) out[i] = g.block;
  return out;
}
