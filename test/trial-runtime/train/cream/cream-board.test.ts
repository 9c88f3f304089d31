import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit, boardOpFrequencies, compareItems, qualifies, type BoardItem } from '../../../../trial-runtime/train/cream/prioritized-board';
import { drawCategorical, opProbabilities, samplePathWith } from '../../../../trial-runtime/train/cream/cream-sampling';
import { CREAM_PRE_PROB, resolveCreamStrategyOptions } from '../../../../trial-runtime/train/cream/cream-options';
import { ConfigError } from '../../../../daemon/errors';
import { createRng } from '../../../../tuners/rng';

const item = (prec1: number, flops: number, arch: number[] = [0]): BoardItem => ({ arch, prec1, flops, xSlice: new Float32Array(1), pSlice: new Float32Array(1) });
const rules = { size: 3, accGap: 5 };
const fill = (items: BoardItem[]): readonly BoardItem[] => items.reduce<readonly BoardItem[]>((b, it) => admit(b, it, rules), []);

test('admission: free slots, +acc_gap, or better and cheaper; strict comparisons', () => {
  const board = fill([item(50, 10), item(70, 20), item(60, 30)]);
  assert.deepEqual(board.map((b) => b.prec1), [70, 60, 50]);
  // Worst = (50, 10 MFLOPs).
  assert.equal(qualifies(board, 55, 11, rules), false, 'beats the worst by exactly 5: not > worst + 5, and not cheaper');
  assert.equal(qualifies(board, 55.01, 11, rules), true, 'beats the worst by more than acc_gap');
  assert.equal(qualifies(board, 51, 9.9, rules), true, 'better and cheaper');
  assert.equal(qualifies(board, 51, 10, rules), false, 'better but equal FLOPs');
  assert.equal(qualifies(board, 50, 1, rules), false, 'equal accuracy, cheaper: not better');
  assert.equal(qualifies(board.slice(0, 2), 0, 999, rules), true, 'fewer than K entries');
  const next = admit(board, item(51, 9.9, [7]), rules);
  assert.deepEqual(next.map((b) => [b.prec1, b.flops]), [[70, 20], [60, 30], [51, 9.9]], 'sorted, the old worst dropped');
  assert.equal(admit(next, item(10, 1), rules), next, 'a rejected path leaves the same array');
});

test('sort order: prec1 descending, then FLOPs descending on ties', () => {
  const sorted = [item(60, 5), item(70, 1), item(60, 9), item(60, 7)].sort(compareItems);
  assert.deepEqual(sorted.map((b) => [b.prec1, b.flops]), [[70, 1], [60, 9], [60, 7], [60, 5]]);
  const board = fill([item(60, 5), item(60, 9), item(60, 7)]);
  assert.deepEqual(board.map((b) => b.flops), [9, 7, 5]);
  // Equal accuracy, fewer FLOPs than the worst (60, 5)? 60 is not > 60: rejected.
  assert.equal(admit(board, item(60, 4), rules), board);
});

test('teacher op frequencies pool all searchable layers of the board; uniform when empty', () => {
  assert.deepEqual(boardOpFrequencies([], 4), [0.25, 0.25, 0.25, 0.25]);
  const board = [item(1, 1, [0, 1, 1]), item(1, 1, [1, 3, 3])];
  assert.deepEqual(boardOpFrequencies(board, 4), [1 / 6, 3 / 6, 0, 2 / 6]);
  assert.deepEqual(opProbabilities('teacher', CREAM_PRE_PROB, board, 4), [1 / 6, 3 / 6, 0, 2 / 6]);
  assert.deepEqual(opProbabilities('even', CREAM_PRE_PROB, board, 2), [0.5, 0.5]);
});

test('pre_prob sampling: op frequencies over 60 000 draws match PRE_PROB within 0.01 (seeded)', () => {
  const rng = createRng(42);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 3000; i++) for (const c of samplePathWith(opProbabilities('pre_prob', CREAM_PRE_PROB, [], 6), 20, rng)) counts[c] = (counts[c] as number) + 1;
  counts.forEach((n, c) => assert.ok(Math.abs(n / 60000 - (CREAM_PRE_PROB[c] as number)) < 0.01, `op ${c}: ${n / 60000} vs ${CREAM_PRE_PROB[c]}`));
  // Zero-probability ops are never drawn, even at the top of [0, 1).
  assert.equal(drawCategorical([0.5, 0.5, 0], { next: () => 0.9999999999, int: () => 0, normal: () => 0 }), 1);
  const a = samplePathWith(CREAM_PRE_PROB, 10, createRng(1));
  assert.deepEqual(samplePathWith(CREAM_PRE_PROB, 10, createRng(1)), a, 'reproducible for a seed');
});

test('options: defaults (warm-up scaled to the run), validation names the key', () => {
  const o = resolveCreamStrategyOptions({}, 120, 6);
  assert.deepEqual([o.poolSize, o.slice, o.metaStaEpoch, o.pickMethod, o.howToProb, o.accGap, o.updateIter, o.metaLr], [10, 4, 21, 'meta', 'pre_prob', 5, 200, 1e-4]);
  assert.equal(resolveCreamStrategyOptions({}, 6, 6).metaStaEpoch, 1);
  assert.throws(() => resolveCreamStrategyOptions({ pickMethod: 'best' }, 6, 6), (e: unknown) => e instanceof ConfigError && /pickMethod/.test(e.message));
  assert.throws(() => resolveCreamStrategyOptions({ poolSiz: 3 }, 6, 6), /unknown cream option 'poolSiz'/);
  assert.throws(() => resolveCreamStrategyOptions({}, 6, 4), /preProb.*4 ops/);
  assert.equal(resolveCreamStrategyOptions({ howToProb: 'even' }, 6, 4).howToProb, 'even');
});
