import { useCallback, useMemo, useState } from 'react';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { Link } from '../routing/router';
import { LineChart } from '../components/line-chart';
import { seriesColor } from '../lib/palette';
import { useTrialRefresh } from '../lib/use-trial-refresh';
import { alignEpochs, epochCurves, type EpochCurves } from '../supernet/epoch-curves';
import { useCheckpoints } from '../supernet/use-checkpoints';
import { CheckpointTable } from '../supernet/checkpoint-table';
import { BoardTable } from '../supernet/board-table';

/** At most this many trials get curves (a supernet experiment usually has one). */
const MAX_TRIALS = 8;

/**
 * The Supernet tab: loss and accuracy per epoch from the trials' intermediate metrics (refreshed
 * from metric deltas), the checkpoint list and the Cream board (both live from the daemon's
 * checkpoint watcher).
 */
export function SupernetPage() {
  const { api } = useServices();
  const { id, detail } = useExperiment();
  const { list, board, error } = useCheckpoints();
  const [curves, setCurves] = useState<EpochCurves[]>();

  const load = useCallback(() => {
    (async () => {
      const page = await api.listTrials(id, { sort: 'sequence', order: 'asc', limit: MAX_TRIALS });
      const metrics = await Promise.all(page.items.map((t) => api.trialMetrics(id, t.id).catch(() => [])));
      setCurves(page.items.map((t, i) => epochCurves(t.id, metrics[i] ?? [])));
    })().catch(() => undefined);
  }, [api, id]);
  useTrialRefresh(load, 1000);

  const withData = useMemo(() => (curves ?? []).filter((c) => c.epoch.length > 0), [curves]);
  const loss = useMemo(() => {
    const tr = alignEpochs(withData, (c) => c.trainLoss);
    const va = alignEpochs(withData, (c) => c.valLoss);
    return { x: tr.x, ys: [...tr.ys, ...va.ys] };
  }, [withData]);
  const acc = useMemo(() => {
    const tr = alignEpochs(withData, (c) => c.trainAcc);
    const va = alignEpochs(withData, (c) => c.valAcc);
    return { x: tr.x, ys: [...tr.ys, ...va.ys] };
  }, [withData]);
  const suffix = (c: EpochCurves) => (withData.length > 1 ? ` ${c.trialId}` : '');
  const lossSeries = [
    ...withData.map((c, i) => ({ label: `train loss${suffix(c)}`, color: seriesColor(i * 2) })),
    ...withData.map((c, i) => ({ label: `val loss${suffix(c)}`, color: seriesColor(i * 2 + 1) })),
  ];
  const accSeries = [
    ...withData.map((c, i) => ({ label: `train acc${suffix(c)}`, color: seriesColor(i * 2) })),
    ...withData.map((c, i) => ({ label: `val acc${suffix(c)}`, color: seriesColor(i * 2 + 1) })),
  ];

  return (
    <div className="supernet">
      <div className="cards two">
        <section className="card">
          <h3>Loss per epoch</h3>
          {withData.length === 0 ? <p className="muted">No per-epoch metrics yet (train-supernet reports one per epoch).</p> : (
            <LineChart x={loss.x} ys={loss.ys} series={lossSeries} xLabel="epoch" yLabel="loss" testId="chart-supernet-loss" integerX />
          )}
        </section>
        <section className="card">
          <h3>Accuracy per epoch</h3>
          {withData.length === 0 ? <p className="muted">No per-epoch metrics yet.</p> : (
            <LineChart x={acc.x} ys={acc.ys} series={accSeries} xLabel="epoch" yLabel="accuracy" testId="chart-supernet-acc" integerX />
          )}
        </section>
      </div>
      <section className="card">
        <div className="card-head">
          <h3>Checkpoints <span className="muted">({list?.checkpoints.length ?? 0})</span></h3>
          {list?.directory && <code className="muted wrap" data-testid="checkpoint-dir">{list.directory}</code>}
          {list && <span className="muted">{list.watching ? 'watching for new ones' : 'not watched (experiment not running)'}</span>}
        </div>
        {error && <div className="error-box">{error}</div>}
        {!list ? <p className="muted">loading…</p> : list.directory === null
          ? <p className="muted">This experiment names no checkpoint folder: set <code>checkpointDirectory</code> in its config or pass <code>--checkpoint-dir</code> in trialCommand.</p>
          : <CheckpointTable checkpoints={list.checkpoints} />}
      </section>
      <section className="card">
        <div className="card-head">
          <h3>Cream prioritized board</h3>
          <span className="spacer" />
          <Link to="/rank-eval" className="muted">rank-eval page →</Link>
        </div>
        {board === undefined ? <p className="muted">loading…</p> : board === null
          ? <p className="muted" data-testid="board-none">No board.json (only Cream training writes one).</p>
          : <BoardTable board={board} space={detail?.record.config.searchSpace ?? {}} />}
      </section>
    </div>
  );
}
