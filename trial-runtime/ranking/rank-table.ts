import type { CriterionValue } from './criterion-value';
import type { RankStatistics } from './rank-eval';

function fmt(v: CriterionValue, digits = 4): string {
  if (v.value === null) return 'undefined';
  return Number.isInteger(v.value) ? String(v.value) : v.value.toFixed(digits);
}

function pct(r: number): string {
  return `${Number((r * 100).toPrecision(3))}%`;
}

/** Left-aligned first column, right-aligned others, columns separated by two spaces. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * Renders one {@link RankStatistics} as a plain-text report for the terminal (`nasctl rank-eval`):
 * the join summary with every drop reason, the correlations, the P@K table and the BR/WR table.
 * Undefined criteria print as `undefined` and their reasons are listed below. Pure.
 */
export function renderRankTable(stats: RankStatistics): string {
  const out: string[] = [];
  const title = `rank-eval: ${stats.metric}${stats.label !== undefined ? ` @ ${stats.label}` : ''} (${stats.higherIsBetter ? 'higher' : 'lower'} is better)`;
  out.push(title, '='.repeat(title.length));
  const j = stats.join;
  out.push(`architectures: ${j.matched} matched of ${j.scoresIn} scored; ground truth has ${j.groundTruthIn} records (${j.groundTruthWithoutScore} usable ones not scored)`);
  if (j.dropped.length === 0) out.push('dropped: none');
  for (const d of j.dropped) out.push(`dropped ${d.count} (${d.reason}), e.g. ${d.examples.join(' ; ')}`);
  out.push('');
  const reasons = new Map<string, string>();
  const note = (name: string, v: CriterionValue): string => {
    if (v.value === null && !reasons.has(v.reason)) reasons.set(v.reason, name);
    return fmt(v);
  };
  out.push(
    ...table(
      ['criterion', 'value'],
      [
        ['one-shot average', note('one-shot average', stats.oneShotAverage)],
        ["Pearson's r", note("Pearson's r", stats.pearson)],
        ["Kendall's tau-b", note("Kendall's tau-b", stats.kendallTau)],
        ["Spearman's rho", note("Spearman's rho", stats.spearmanRho)],
      ],
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['ratio', 'K', 'P@top', 'P@bottom', 'KT@top', 'KT@bottom'],
      stats.precisionAtK.map((r) => [pct(r.ratio), String(r.k), note('P@top', r.top), note('P@bottom', r.bottom), note('KT@top', r.kendallTop), note('KT@bottom', r.kendallBottom)]),
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['ratio', 'K', 'BR', 'BR/N', 'WR', 'WR/N'],
      stats.bestWorstRank.map((r) => [pct(r.ratio), String(r.k), note('BR', r.bestRank), note('BR/N', r.bestRankRatio), note('WR', r.worstRank), note('WR/N', r.worstRankRatio)]),
    ),
  );
  if (reasons.size > 0) {
    out.push('', 'undefined values:');
    for (const [reason, first] of reasons) out.push(`  ${first} (and others with the same cause): ${reason}`);
  }
  return out.join('\n') + '\n';
}
