import { test } from 'node:test';
import assert from 'node:assert/strict';
import { precisionAtK } from '../../../trial-runtime/ranking/precision-at-k';
import { bestWorstRank } from '../../../trial-runtime/ranking/best-worst-rank';

// 10 archs; predicted order a0 > a1 > ... > a9. GT ranks (0 = best): a1 0, a0 1, a3 2, a4 3, a6 4,
// a7 5, a8 6, a9 7, a5 8, a2 9.
const S = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
const T = [9, 10, 1, 8, 7, 2, 6, 5, 4, 3];

test('P@top-K / P@bottom-K by hand: K = floor(N r), tau-b within the predicted top and bottom K', () => {
  const rows = precisionAtK(S, T);
  assert.deepEqual(
    rows.map((r) => [r.ratio, r.k]),
    [
      [0.001, 0],
      [0.005, 0],
      [0.01, 0],
      [0.05, 0],
      [0.1, 1],
      [0.5, 5],
      [1, 10],
    ],
  );
  for (const r of rows.slice(0, 4)) {
    assert.equal(r.top.value, null);
    assert.match(r.top.reason ?? '', /K = floor\(10 x .*\) < 1/);
  }
  const [k1, k5, k10] = rows.slice(4);
  // K=1: a0 has GT rank 1 (not < 1); a9 has rank 7 (not >= 9). KT of one point is undefined.
  assert.deepEqual([k1?.top.value, k1?.bottom.value, k1?.kendallTop.value], [0, 0, null]);
  // K=5: top a0..a4 ranks 1,0,9,2,3 -> 4 of 5 < 5; bottom a5..a9 ranks 8,4,5,6,7 -> 4 of 5 >= 5.
  assert.equal(k5?.top.value, 0.8);
  assert.equal(k5?.bottom.value, 0.8);
  // Within the top 5: t = 9,10,1,8,7 against decreasing s: 7 concordant, 3 discordant pairs.
  assert.ok(Math.abs((k5?.kendallTop.value as number) - 0.4) < 1e-12);
  // Bottom 5: t = 2,6,5,4,3: concordant (2 is worst): pairs with t_i > t_j for i<j: 6>5,6>4,6>3,5>4,5>3,4>3 = 6; discordant 4.
  assert.ok(Math.abs((k5?.kendallBottom.value as number) - 0.2) < 1e-12);
  assert.deepEqual([k10?.top.value, k10?.bottom.value], [1, 1]);
});

test('BR@K / WR@K by hand, raw and divided by N', () => {
  const rows = bestWorstRank(S, T);
  const k1 = rows.find((r) => r.ratio === 0.1);
  const k2 = rows.find((r) => r.ratio === 0.2);
  assert.deepEqual([k1?.k, k1?.bestRank.value, k1?.bestRankRatio.value, k1?.worstRank.value, k1?.worstRankRatio.value], [1, 2, 0.2, 2, 0.2]);
  assert.deepEqual([k2?.k, k2?.bestRank.value, k2?.bestRankRatio.value, k2?.worstRank.value, k2?.worstRankRatio.value], [2, 1, 0.1, 2, 0.2]);
  assert.equal(rows.find((r) => r.ratio === 0.05)?.bestRank.value, null);
});

test('constant scores make P@K and BR/WR undefined with a reason, never 0', () => {
  const flat = Array(20).fill(0.5);
  for (const r of precisionAtK(flat, T.concat(T))) {
    assert.equal(r.top.value, null);
    assert.equal(r.bottom.value, null);
  }
  const bw = bestWorstRank(flat, T.concat(T)).find((r) => r.ratio === 0.1);
  assert.equal(bw?.bestRank.value, null);
  assert.match(bw?.bestRank.reason ?? '', /scores are constant/);
});
