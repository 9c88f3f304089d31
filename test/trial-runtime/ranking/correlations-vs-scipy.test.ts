import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../tuners/rng';
import { pearson } from '../../../trial-runtime/ranking/pearson';
import { kendallTauB } from '../../../trial-runtime/ranking/kendall-tau';
import { spearman } from '../../../trial-runtime/ranking/spearman';
import { precisionAtK } from '../../../trial-runtime/ranking/precision-at-k';
import { bestWorstRank } from '../../../trial-runtime/ranking/best-worst-rank';
import type { CriterionValue } from '../../../trial-runtime/ranking/criterion-value';
import { scipyReference } from './scipy-reference';

interface Case {
  name: string;
  s: number[];
  t: number[];
  ties: boolean;
}

function cases(): Case[] {
  const rng = createRng(2024);
  const out: Case[] = [];
  for (const n of [2, 3, 10, 57, 200, 1000, 3000]) {
    const t = Array.from({ length: n }, () => rng.normal());
    const s = t.map((v) => 0.6 * v + rng.normal());
    out.push({ name: `continuous n=${n}`, s, t, ties: false });
    // Ties in both lists: 1%-point-style bins (the NB301 'sparse' variant) and small integer scores.
    out.push({ name: `binned ties n=${n}`, s: s.map((v) => Math.round(v * 2)), t: t.map((v) => Math.round(v * 3) / 3), ties: true });
    out.push({ name: `ties in scores only n=${n}`, s: s.map((v) => Math.round(v)), t, ties: true });
  }
  out.push({ name: 'anti-correlated', s: [5, 4, 3, 2, 1], t: [1, 2, 3, 4, 5], ties: false });
  out.push({ name: 'heavy ties', s: [1, 1, 1, 2, 2, 3, 3, 3, 3, 0], t: [0, 1, 1, 1, 2, 2, 2, 3, 0, 0], ties: true });
  out.push({ name: 'constant scores', s: [2, 2, 2, 2], t: [1, 2, 3, 4], ties: true });
  out.push({ name: 'constant truth', s: [1, 2, 3, 4], t: [7, 7, 7, 7], ties: true });
  return out;
}

function close(got: CriterionValue, want: number | null, what: string): void {
  if (want === null) {
    assert.equal(got.value, null, `${what}: scipy gives NaN, ours must be undefined`);
    assert.ok(got.reason && got.reason.length > 0, `${what}: an undefined value needs a reason`);
    return;
  }
  assert.notEqual(got.value, null, `${what}: defined in scipy (${want}) but undefined here: ${got.reason}`);
  assert.ok(Math.abs((got.value as number) - want) <= 1e-9, `${what}: got ${got.value}, scipy ${want}`);
}

test('pearson, kendall tau-b and spearman rho match numpy/scipy to 1e-9, with and without ties', () => {
  const all = cases();
  const ref = scipyReference(all);
  all.forEach((c, i) => {
    const r = ref[i] as (typeof ref)[number];
    close(pearson(c.s, c.t), r.pearson, `pearson ${c.name}`);
    close(kendallTauB(c.s, c.t), r.kendall, `kendall ${c.name}`);
    close(spearman(c.s, c.t), r.spearman, `spearman ${c.name}`);
  });
});

test('P@top/bottom-K and BR/WR@K match an aw_nas-style numpy computation on tie-free data', () => {
  const all = cases().filter((c) => !c.ties && c.s.length >= 10);
  const ref = scipyReference(all);
  all.forEach((c, i) => {
    const r = ref[i] as (typeof ref)[number];
    const ours = precisionAtK(c.s, c.t).filter((row) => row.k >= 1);
    assert.deepEqual(
      ours.map((row) => [row.ratio, row.k, row.top.value, row.bottom.value]),
      r.patk,
      `P@K ${c.name}`,
    );
    const bw = bestWorstRank(c.s, c.t).filter((row) => row.k >= 1);
    assert.deepEqual(
      bw.map((row) => [row.ratio, row.bestRank.value, row.worstRank.value]),
      r.brwr,
      `BR/WR ${c.name}`,
    );
  });
});
