import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { useRouter } from '../routing/router';
import type { MetricRecord } from '../api/types';
import type { ChartColumns } from '../../../daemon/api/chart-columns';
import { LineChart } from '../components/line-chart';
import { ParallelCoords } from '../components/parallel-coords';
import { costKeys, costScatter, durationSeries, finalMetricSeries, parallelData, sampledTrials } from '../lib/chart-data';
import { isMaximize, topTrialsQuery } from '../lib/metrics';
import { alignCurves } from '../lib/curves';
import { seriesColor } from '../lib/palette';
import { useTrialRefresh } from '../lib/use-trial-refresh';

/**
 * Charts over all trials (one GET /charts answer of columns, refreshed from deltas at most every 5 s):
 * final metric with best-so-far, intermediate curves of the top 10, parallel coordinates over the
 * choices, metric against a cost key with the Pareto front, trial durations.
 */
export function ChartsPage() {
  const { api } = useServices();
  const { id, detail } = useExperiment();
  const { navigate } = useRouter();
  const [cols, setCols] = useState<ChartColumns>();
  const [curves, setCurves] = useState<{ ids: string[]; metrics: MetricRecord[][] }>({ ids: [], metrics: [] });
  const [costKey, setCostKey] = useState<string>();
  const loading = useRef(false);
  const maximize = isMaximize(detail?.record.config);
  const space = detail?.record.config.searchSpace ?? {};

  const load = useCallback(() => {
    if (loading.current) return;
    loading.current = true;
    (async () => {
      setCols(await api.charts(id));
      const top = await api.listTrials(id, topTrialsQuery(maximize, 10));
      const ids = top.items.map((t) => t.id);
      const metrics = await Promise.all(ids.map((t) => api.trialMetrics(id, t).catch(() => [])));
      setCurves({ ids, metrics });
    })().catch(() => undefined).finally(() => { loading.current = false; });
  }, [api, id, maximize]);
  useTrialRefresh(load, 5000);

  const keys = useMemo(() => (cols ? costKeys(cols) : []), [cols]);
  useEffect(() => {
    if (costKey === undefined && keys.length > 0) setCostKey(keys[0]);
  }, [keys, costKey]);
  const fin = useMemo(() => (cols ? finalMetricSeries(cols) : undefined), [cols]);
  const dur = useMemo(() => (cols ? durationSeries(cols) : undefined), [cols]);
  const pc = useMemo(() => parallelData(cols ? sampledTrials(cols) : [], space, maximize), [cols, space, maximize]);
  const scatter = useMemo(() => (cols && costKey ? costScatter(cols, costKey, maximize) : undefined), [cols, costKey, maximize]);
  const inter = useMemo(() => alignCurves(curves.metrics), [curves]);
  // Stable y arrays: the page re-renders on every experiment refresh (up to once a second), and a
  // new array makes LineChart hand its 100,000 points to uPlot again (setData) though cols did not change.
  const finYs = useMemo(() => (fin ? [fin.best, fin.y] : []), [fin]);
  const durYs = useMemo(() => (dur ? [dur.y] : []), [dur]);
  const scatterYs = useMemo(() => (scatter ? [scatter.front, scatter.y] : []), [scatter]);

  if (!cols || !fin || !dur) return <p className="muted">loading trials…</p>;
  if (cols.id.length === 0) return <p className="muted">No trials yet.</p>;
  const openSeq = (i: number) => {
    const t = cols.id[i];
    if (t) navigate(`/experiments/${id}/trials/${t}`);
  };
  return (
    <div className="charts">
      <section className="card">
        <h3>Final metric per trial <span className="muted">({maximize ? 'higher' : 'lower'} is better; click a point to open the trial)</span></h3>
        {/* The best-so-far step line comes first and has no markers, so every trial's point is drawn on top of it. */}
        <LineChart x={fin.x} ys={finYs} xLabel="trial #" yLabel="final metric" onPick={openSeq} testId="chart-final" integerX
          series={[{ label: 'best so far', color: seriesColor(2), stepped: true, width: 1.5, markers: false }, { label: 'final metric', color: seriesColor(0), points: true }]} />
      </section>
      <section className="card">
        <h3>Intermediate curves <span className="muted">(top {curves.ids.length} trials)</span></h3>
        {inter.x.length === 0 ? <p className="muted">No intermediate results yet.</p> : (
          <LineChart x={inter.x} ys={inter.ys} xLabel="report" yLabel="intermediate metric" testId="chart-intermediate" integerX
            series={curves.ids.map((t, i) => ({ label: t, color: seriesColor(i) }))} />
        )}
      </section>
      <section className="card">
        <h3>Choices <span className="muted">(parallel coordinates, {pc.shown.toLocaleString()} of {cols.sample.total.toLocaleString()} finished trials; yellow = best)</span></h3>
        {pc.shown === 0 ? <p className="muted">No finished trial with a metric yet.</p> : <ParallelCoords axes={pc.axes} lines={pc.lines} colors={pc.colors} />}
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Metric vs cost <span className="muted">{scatter ? `(Pareto front: ${scatter.frontSize} trials)` : ''}</span></h3>
          {keys.length > 0 && (
            <select value={costKey} onChange={(e) => setCostKey(e.target.value)} aria-label="cost key">{keys.map((k) => <option key={k}>{k}</option>)}</select>
          )}
        </div>
        {!scatter || scatter.x.length === 0 ? <p className="muted">Report a dict metric with a cost key (e.g. {'{"default": 0.9, "flops": 3.2e8}'}) or use a search space with a cost model (nasctl ss_gen).</p> : (
          <LineChart x={scatter.x} ys={scatterYs} xLabel={costKey ?? ''} yLabel="final metric" testId="chart-pareto"
            onPick={(i) => { const p = scatter.points[i]; if (p) navigate(`/experiments/${id}/trials/${p.id}`); }}
            series={[{ label: 'Pareto front', color: seriesColor(2), width: 1.5, markers: false }, { label: 'trials', color: seriesColor(0), points: true }]} />
        )}
      </section>
      <section className="card">
        <h3>Trial duration</h3>
        <LineChart x={dur.x} ys={durYs} xLabel="trial #" yLabel="seconds" onPick={openSeq} testId="chart-duration" integerX
          series={[{ label: 'duration (s)', color: seriesColor(4), points: true }]} />
      </section>
    </div>
  );
}
