import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import type { RankEvalView, RankEvalViewRequest } from '../api/types';
import { useServices } from '../app-context';
import { LineChart } from '../components/line-chart';
import { seriesColor } from '../lib/palette';
import { CriteriaTable } from '../supernet/criteria-table';
import { scatterSeries } from '../supernet/scatter-data';

type Slot = 'statistics' | 'rollouts' | 'groundTruth';
type Chosen = Partial<Record<Slot, { name: string; text: string }>>;

const SLOTS: Array<{ slot: Slot; label: string; accept: string; hint: string }> = [
  { slot: 'statistics', label: 'Statistics', accept: '.json', hint: 'nasctl rank-eval … --json OUT' },
  { slot: 'rollouts', label: 'Rollouts', accept: '.jsonl,.json,.txt', hint: 'eval-arch --dump-rollouts OUT' },
  { slot: 'groundTruth', label: 'Ground truth', accept: '.json,.csv', hint: 'the --gt file (JSON or CSV)' },
];

function request(chosen: Chosen): RankEvalViewRequest | undefined {
  const r: RankEvalViewRequest = {};
  if (chosen.statistics) Object.assign(r, { statistics: chosen.statistics.text, statisticsName: chosen.statistics.name });
  if (chosen.rollouts) Object.assign(r, { rollouts: chosen.rollouts.text, rolloutsName: chosen.rollouts.name });
  if (chosen.groundTruth) Object.assign(r, { groundTruth: chosen.groundTruth.text, groundTruthName: chosen.groundTruth.name });
  const pair = !!chosen.rollouts && !!chosen.groundTruth;
  return chosen.statistics || pair ? r : undefined;
}

/**
 * The rank-eval page (/rank-eval): the user picks the statistics file, and the rollouts and
 * ground truth for the scatter, from their disk; the daemon parses them with rank-eval's own
 * code (POST /rank-eval) and the page shows the criteria and score vs ground truth per checkpoint.
 */
export function RankEvalPage() {
  const { api } = useServices();
  const [chosen, setChosen] = useState<Chosen>({});
  const [view, setView] = useState<RankEvalView>();
  const [error, setError] = useState<string>();
  const [sel, setSel] = useState(0);

  const pick = (slot: Slot) => (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    f.text().then((text) => setChosen((c) => ({ ...c, [slot]: { name: f.name, text } })), (err: Error) => setError(`cannot read ${f.name}: ${err.message}`));
  };

  useEffect(() => {
    const req = request(chosen);
    if (!req) return;
    let live = true;
    api.rankEval(req).then((v) => {
      if (!live) return;
      setView(v);
      setError(undefined);
      setSel(0);
    }, (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [api, chosen]);

  const results = view?.report.results ?? [];
  const stats = results[Math.min(sel, Math.max(0, results.length - 1))];
  const label = stats?.label ?? null;
  const scatter = useMemo(() => {
    const s = view?.scatter.find((x) => x.label === label) ?? view?.scatter[0];
    return s ? { ...scatterSeries(s), metric: s.metric } : undefined;
  }, [view, label]);

  return (
    <div className="page rank-eval">
      <h2>Rank evaluation</h2>
      <p className="muted">How well do the scores rank the architectures? Choose the files of a <code>nasctl rank-eval</code> run: the statistics for the criteria, the rollouts and ground truth for the scatter (either is enough; with only rollouts and ground truth the criteria are computed). The files are read in the browser and sent to the daemon only to be parsed.</p>
      <section className="card">
        <div className="cards">
          {SLOTS.map((s) => (
            <label key={s.slot} className="file-slot">
              <b>{s.label}</b> <code className="muted">{s.hint}</code><br />
              <input type="file" accept={s.accept} onChange={pick(s.slot)} data-testid={`file-${s.slot}`} />
            </label>
          ))}
        </div>
      </section>
      {error && <div className="error-box" data-testid="rank-eval-error">{error}</div>}
      {view && stats && (
        <>
          <section className="card">
            <div className="card-head">
              <h3>Criteria <span className="muted">({view.statisticsSource === 'file' ? 'from the statistics file' : 'computed from rollouts and ground truth'}; evaluator {view.report.evaluator}, metric {stats.metric}{stats.higherIsBetter ? '' : ', lower is better'}; ground truth {view.report.groundTruthMetric})</span></h3>
              {results.length > 1 && (
                <select value={sel} onChange={(e) => setSel(Number(e.target.value))} aria-label="checkpoint" data-testid="checkpoint-select">
                  {results.map((r, i) => <option key={i} value={i}>{r.label ?? `result ${i + 1}`}</option>)}
                </select>
              )}
            </div>
            <CriteriaTable stats={stats} />
          </section>
          <section className="card">
            <h3>Score vs ground truth {scatter && <span className="muted">({scatter.x.length} architectures{label ? `, ${label}` : ''})</span>}</h3>
            {!scatter ? <p className="muted">Choose the rollouts and ground-truth files to see the scatter.</p> : (
              <LineChart x={scatter.x} ys={[scatter.y]} xLabel={`ground truth (${view.report.groundTruthMetric})`} yLabel={scatter.metric} testId="chart-rank-scatter" height={360}
                series={[{ label: scatter.metric, color: seriesColor(0), points: true }]} />
            )}
          </section>
        </>
      )}
    </div>
  );
}
