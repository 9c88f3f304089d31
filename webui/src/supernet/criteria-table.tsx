import type { CriterionValue, RankStatistics } from '../api/types';

/** A criterion value as text: 4 decimals, or "undefined" (its reason is the cell's tooltip). */
function Crit({ v, testId }: { v: CriterionValue; testId?: string }) {
  if (v.value === null) return <td className="num muted" title={v.reason} data-testid={testId}>undefined</td>;
  return <td className="num" data-testid={testId}>{Number.isInteger(v.value) ? v.value : v.value.toFixed(4)}</td>;
}

function pct(r: number): string {
  return `${Number((r * 100).toPrecision(3))}%`;
}

/**
 * The criteria of one rank-eval result (ALGORITHMS.md §5): joined count and drops, one-shot
 * average, Pearson, Kendall's tau-b, Spearman's rho, P@top/bottom-K with Kendall's tau inside,
 * BR@K / WR@K. Undefined criteria say so (hover for the reason), never 0.
 */
export function CriteriaTable({ stats }: { stats: RankStatistics }) {
  const j = stats.join;
  return (
    <div className="criteria" data-testid="criteria">
      <table className="grid compact" data-testid="criteria-summary">
        <thead><tr><th>architectures</th><th className="num">one-shot avg</th><th className="num">Pearson</th><th className="num">Kendall τ</th><th className="num">Spearman ρ</th></tr></thead>
        <tbody>
          <tr>
            <td>{stats.n} joined of {j.scoresIn} scored{j.dropped.length > 0 && <span className="muted"> — dropped: {j.dropped.map((d) => `${d.count} ${d.reason}`).join(', ')}</span>}</td>
            <Crit v={stats.oneShotAverage} />
            <Crit v={stats.pearson} />
            <Crit v={stats.kendallTau} testId="kendall-tau" />
            <Crit v={stats.spearmanRho} testId="spearman-rho" />
          </tr>
        </tbody>
      </table>
      <div className="cards two">
        <div>
          <h4>P@top-K / P@bottom-K</h4>
          <table className="grid compact" data-testid="precision-at-k">
            <thead><tr><th>K ratio</th><th className="num">K</th><th className="num">P@top</th><th className="num">P@bottom</th><th className="num">τ in top</th><th className="num">τ in bottom</th></tr></thead>
            <tbody>
              {stats.precisionAtK.map((r) => (
                <tr key={r.ratio}><td>{pct(r.ratio)}</td><td className="num">{r.k}</td><Crit v={r.top} /><Crit v={r.bottom} /><Crit v={r.kendallTop} /><Crit v={r.kendallBottom} /></tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h4>BR@K / WR@K <span className="muted">(lower is better)</span></h4>
          <table className="grid compact" data-testid="best-worst-rank">
            <thead><tr><th>K ratio</th><th className="num">K</th><th className="num">BR</th><th className="num">BR/N</th><th className="num">WR</th><th className="num">WR/N</th></tr></thead>
            <tbody>
              {stats.bestWorstRank.map((r) => (
                <tr key={r.ratio}><td>{pct(r.ratio)}</td><td className="num">{r.k}</td><Crit v={r.bestRank} /><Crit v={r.bestRankRatio} /><Crit v={r.worstRank} /><Crit v={r.worstRankRatio} /></tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
