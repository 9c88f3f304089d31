import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankEval } from '../../../trial-runtime/ranking/rank-eval';
import { renderRankTable } from '../../../trial-runtime/ranking/rank-table';

const GT = [
  { arch: 'a', accuracy: 90 },
  { arch: 'b', accuracy: 80 },
  { arch: 'c', accuracy: 70 },
  { arch: 'd', accuracy: 60 },
  { arch: 'e', accuracy: NaN },
  { arch: 'f', accuracy: 50 },
  { arch: 'f', accuracy: 50 },
  { arch: 'g', accuracy: 40 },
  { arch: 'g', accuracy: 41 },
  { arch: 'h', accuracy: 30 },
];

test('join reports every dropped record by reason and computes on the rest', () => {
  const stats = rankEval(
    [
      { arch: 'a', score: 0.9 },
      { arch: 'b', score: 0.7 },
      { arch: 'b', score: 0.7 },
      { arch: 'c', score: 0.8 },
      { arch: 'd', score: 0.1 },
      { arch: 'd', score: 0.2 },
      { arch: 'e', score: 0.5 },
      { arch: 'f', score: NaN },
      { arch: 'g', score: 0.3 },
      { arch: 'x', score: 0.4 },
    ],
    GT,
  );
  const dropped = Object.fromEntries(stats.join.dropped.map((d) => [d.reason, d.count]));
  assert.deepEqual(dropped, {
    'ground-truth-not-finite': 1,
    'ground-truth-duplicate': 1,
    'ground-truth-conflicting-duplicates': 2,
    'score-not-finite': 1,
    'score-duplicate': 1,
    'score-conflicting-duplicates': 2,
    'no-ground-truth': 3,
  });
  // 'e' (GT NaN), 'g' (GT conflicting) and 'x' (unknown) have no usable ground truth.
  assert.deepEqual(stats.join.dropped.find((d) => d.reason === 'no-ground-truth')?.examples, ['e', 'g', 'x']);
  assert.equal(stats.n, 2 + 1); // a, b, c
  assert.equal(stats.join.matched, 3);
  assert.equal(stats.join.groundTruthWithoutScore, 3); // d, f, h
  assert.ok(Math.abs((stats.oneShotAverage.value as number) - (0.9 + 0.7 + 0.8) / 3) < 1e-12);
  // a > c > b by score, a > b > c by GT: one discordant pair of three.
  assert.ok(Math.abs((stats.kendallTau.value as number) - 1 / 3) < 1e-12);
  const text = renderRankTable(stats);
  assert.match(text, /3 matched of 10 scored/);
  assert.match(text, /dropped 3 \(no-ground-truth\), e\.g\. e ; g ; x/);
  assert.match(text, /Kendall's tau-b\s+0\.3333/);
});

test('constant scores: correlations undefined with the reason, in the JSON and in the table', () => {
  const stats = rankEval(
    ['a', 'b', 'c', 'd'].map((arch) => ({ arch, score: 0.25 })),
    GT,
  );
  for (const c of [stats.pearson, stats.kendallTau, stats.spearmanRho]) {
    assert.equal(c.value, null);
    assert.match(c.reason ?? '', /scores are constant/);
  }
  assert.equal(stats.oneShotAverage.value, 0.25);
  const json = JSON.parse(JSON.stringify(stats)) as typeof stats;
  assert.equal(json.kendallTau.value, null);
  const text = renderRankTable(stats);
  assert.match(text, /Kendall's tau-b\s+undefined/);
  assert.match(text, /undefined values:\n.*scores are constant/);
});

test('no overlap at all: everything undefined, nothing throws', () => {
  const stats = rankEval([{ arch: 'zz', score: 1 }], GT);
  assert.equal(stats.n, 0);
  assert.equal(stats.oneShotAverage.value, null);
  assert.equal(stats.kendallTau.value, null);
  assert.ok(stats.precisionAtK.every((r) => r.top.value === null));
});

test('a loss (lower is better) is negated before ranking; the average keeps its sign', () => {
  const losses = [
    { arch: 'a', score: 0.1 },
    { arch: 'b', score: 0.2 },
    { arch: 'c', score: 0.3 },
    { arch: 'd', score: 0.4 },
  ];
  const asLoss = rankEval(losses, GT, { higherIsBetter: false, metric: 'loss' });
  assert.equal(asLoss.kendallTau.value, 1);
  assert.equal(asLoss.spearmanRho.value, 1);
  assert.ok(Math.abs((asLoss.oneShotAverage.value as number) - 0.25) < 1e-12);
  assert.equal(rankEval(losses, GT).kendallTau.value, -1);
});
