import { useCallback, useState } from 'react';
import type { MetricRecord } from '../api/types';
import { useServices } from '../app-context';
import { useTrialRefresh } from '../lib/use-trial-refresh';
import { LineChart } from '../components/line-chart';
import { alignCurves } from '../lib/curves';
import { seriesColor } from '../lib/palette';

/** Overlaid intermediate curves of the selected trials (refreshed as they report). */
export function ComparePanel({ experimentId, trialIds, onClose }: { experimentId: string; trialIds: string[]; onClose(): void }) {
  const { api } = useServices();
  const [curves, setCurves] = useState<MetricRecord[][]>([]);
  const key = trialIds.join(',');
  const reload = useCallback(() => {
    Promise.all(trialIds.map((t) => api.trialMetrics(experimentId, t).catch(() => []))).then(setCurves, () => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, experimentId, key]);
  useTrialRefresh(reload, 2000);
  const { x, ys } = alignCurves(curves);
  return (
    <section className="card" data-testid="compare-panel">
      <div className="card-head">
        <h3>Compare {trialIds.length} trials</h3>
        <button type="button" className="ghost" onClick={onClose}>close</button>
      </div>
      {x.length === 0 ? <p className="muted">No intermediate results yet.</p> : (
        <LineChart x={x} ys={ys} xLabel="report" yLabel="intermediate metric" testId="compare-chart" integerX
          series={trialIds.map((t, i) => ({ label: t, color: seriesColor(i) }))} />
      )}
    </section>
  );
}
