import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { admit, compareEntries, qualifies } from '../../../tuners/prioritized-path/board';
import type { BoardEntry, BoardRules } from '../../../tuners/prioritized-path/board';

function e(sequence: number, fitness: number, flops: number | null): BoardEntry {
  return { trialId: `t${sequence}`, sequence, parameters: { s: sequence }, metric: fitness, fitness, flops };
}
const ids = (b: readonly BoardEntry[]): number[] => b.map((x) => x.sequence);

describe("Cream's board admission (hand-computed, K = 3, accGap = 5)", () => {
  const rules: BoardRules = { size: 3, accGap: 5 };

  it('walks through every rule', () => {
    let b: readonly BoardEntry[] = [];
    b = admit(b, e(1, 90, 100), rules); // empty board: admitted
    b = admit(b, e(2, 80, 50), rules); // fewer than K: admitted even though worse
    b = admit(b, e(3, 85, 200), rules);
    assert.deepEqual(ids(b), [1, 3, 2], 'sorted by accuracy descending');

    // full; worst = #2 (80, 50 FLOPs). 82 is not > 80 + 5 and 300 FLOPs is not < 50: rejected
    const before = b;
    b = admit(b, e(4, 82, 300), rules);
    assert.equal(b, before, 'rejected paths leave the same board');

    // 86 > 80 + 5 (gap rule): admitted, #2 drops out
    b = admit(b, e(5, 86, 400), rules);
    assert.deepEqual(ids(b), [1, 5, 3]);

    // worst = #3 (85, 200). 85.5 beats it by less than the gap but has fewer FLOPs (10 < 200): admitted
    b = admit(b, e(6, 85.5, 10), rules);
    assert.deepEqual(ids(b), [1, 5, 6]);

    // worst = #6 (85.5, 10). A tie in accuracy does not beat the worst, whatever the FLOPs
    assert.equal(qualifies(b, e(7, 85.5, 1), rules), false);
    // exactly worst + gap is not "more than the gap" (strict, as Cream's `>`)
    assert.equal(qualifies(b, e(8, 90.5, 1000), rules), false);
    assert.equal(qualifies(b, e(9, 90.51, 1000), rules), true);
    // better than the worst with more FLOPs and within the gap: rejected although it would rank 2nd
    assert.equal(qualifies(b, e(10, 88, 11), rules), false);
  });

  it('breaks accuracy ties by FLOPs descending, then by the earlier trial', () => {
    let b: readonly BoardEntry[] = [];
    for (const x of [e(1, 90, 100), e(2, 90, 200), e(3, 90, 200)]) b = admit(b, x, rules);
    assert.deepEqual(ids(b), [2, 3, 1]);
    assert.ok(compareEntries(e(1, 90, null), e(2, 90, 5)) > 0, 'unknown FLOPs sort after known ones');
  });

  it('never applies the FLOPs rule when FLOPs are unknown', () => {
    const b = [e(1, 90, null), e(2, 85, null), e(3, 80, null)];
    assert.equal(qualifies(b, e(4, 81, null), rules), false);
    assert.equal(qualifies(b, e(4, 81, 1), rules), false);
    assert.equal(qualifies(b, e(4, 85.01, null), rules), true);
  });

  it('keeps at most K entries and drops the last after sorting', () => {
    let b: readonly BoardEntry[] = [];
    for (let i = 0; i < 10; i++) b = admit(b, e(i, i * 10, 1), rules);
    // each new path beats the worst by 10 > 5: the board slides to the three best
    assert.deepEqual(ids(b), [9, 8, 7]);
  });

  it('takes the gap in the unit of the metric (0.05 on a fraction scale)', () => {
    const frac: BoardRules = { size: 1, accGap: 0.05 };
    const b = [e(1, 0.9, 100)];
    assert.equal(qualifies(b, e(2, 0.94, 200), frac), false);
    assert.equal(qualifies(b, e(2, 0.96, 200), frac), true);
  });
});
