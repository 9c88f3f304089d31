import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { Link, useRouter } from '../routing/router';
import type { TrialDetail, TrialLogName, TrialRecord } from '../api/types';
import { StatusBadge } from '../components/status-badge';
import { ArchDiagram } from '../components/arch-diagram';
import { LineChart } from '../components/line-chart';
import { LogTail } from '../components/log-tail';
import { TrialActions } from '../trials/trial-actions';
import { CloneDialog } from '../trials/clone-dialog';
import { buildArchitecture, isNasSpace } from '../lib/architecture';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { defaultMetric, metricKey, extraMetricKeys } from '../lib/metrics';
import { seriesColor } from '../lib/palette';
import { alignCurves } from '../lib/curves';

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => setDone(true), () => setDone(false));
  };
  return <button type="button" className="small ghost" onClick={copy}>{done ? 'copied' : 'copy'}</button>;
}

/**
 * One trial: status and reason, actions, its architecture as a diagram, parameters (copy),
 * FLOPs/params, intermediate curve, live log tail, status history. Live from deltas.
 */
export function TrialDetailPage({ trialId }: { trialId: string }) {
  const { api } = useServices();
  const { id, detail, onDeltas } = useExperiment();
  const { navigate } = useRouter();
  const [data, setData] = useState<TrialDetail>();
  const [error, setError] = useState<string>();
  const [log, setLog] = useState<TrialLogName>('stdout');
  const [cloning, setCloning] = useState<TrialRecord>();

  const load = useCallback(() => {
    api.getTrial(id, trialId).then((d) => {
      setData(d);
      setError(undefined);
    }, (e: Error) => setError(e.message));
  }, [api, id, trialId]);

  useEffect(() => {
    setData(undefined);
    load();
    return onDeltas((ds) => {
      if (ds === null) {
        load();
        return;
      }
      let reloadEvents = false;
      setData((old) => {
        if (!old) return old;
        let next = old;
        for (const d of ds) {
          if (d.type === 'trial' && d.trial.id === trialId) {
            if (d.trial.status !== next.trial.status) reloadEvents = true;
            next = { ...next, trial: d.trial };
          } else if (d.type === 'metric' && d.metric.trialId === trialId && !next.metrics.some((m) => m.seq === d.metric.seq)) {
            next = { ...next, metrics: [...next.metrics, d.metric] };
          }
        }
        return next;
      });
      if (reloadEvents) load();
    });
  }, [load, onDeltas, trialId]);

  const space = detail?.record.config.searchSpace ?? {};
  const cost = detail?.record.config.searchSpaceCost;
  const arch = useMemo(() => (data ? buildArchitecture(space, data.trial.parameters, cost) : undefined), [data?.trial.parameters, space, cost]); // eslint-disable-line react-hooks/exhaustive-deps
  const curve = useMemo(() => alignCurves([data?.metrics ?? []]), [data?.metrics]);

  if (error) return <div className="error-box">{error} <Link to={{ page: 'trials', experimentId: id }}>back to trials</Link></div>;
  if (!data || !arch) return <p className="muted">loading…</p>;
  const t = data.trial;
  const final = t.finalMetric;
  const flops = metricKey(final, 'flops') ?? arch.flops;
  const params = metricKey(final, 'params') ?? arch.params;
  const running = t.status === 'RUNNING' || t.status === 'WAITING';
  const paramsJson = JSON.stringify(t.parameters, null, 2);

  return (
    <div className="trial-detail">
      <div className="card">
        <div className="card-head">
          <h3>Trial <code data-testid="trial-id">{t.id}</code> <span className="muted">#{t.sequence}</span></h3>
          <StatusBadge status={t.status} />
          <span className="spacer" />
          <TrialActions experimentId={id} trial={t} onClone={setCloning} onDone={(n) => { if (n.id !== t.id) navigate(`/experiments/${id}/trials/${n.id}`); else load(); }} />
        </div>
        {t.reason && <div className={t.status === 'FAILED' ? 'error-box' : 'notice'} data-testid="trial-reason">{t.reason}</div>}
        {t.status === 'WAITING' && t.waitReason && <div className="notice">waiting: {t.waitReason}</div>}
        <dl className="kv cols">
          <dt>final metric</dt><dd data-testid="final-metric">{formatNumber(defaultMetric(final))}</dd>
          {extraMetricKeys(final).filter((k) => k !== 'flops' && k !== 'params').map((k) => <Fragment key={k}><dt>{k}</dt><dd>{formatNumber(metricKey(final, k))}</dd></Fragment>)}
          <dt>FLOPs</dt><dd>{formatNumber(flops)}</dd>
          <dt>params</dt><dd>{formatNumber(params)}</dd>
          <dt>started</dt><dd>{formatTime(t.startedAt)}</dd>
          <dt>ended</dt><dd>{formatTime(t.endedAt)}</dd>
          <dt>duration</dt><dd>{t.startedAt ? formatDuration((t.endedAt ?? Date.now()) - t.startedAt) : '–'}</dd>
          <dt>source</dt><dd>{t.source}{t.retryOf && <> of <Link to={{ page: 'trial', experimentId: id, trialId: t.retryOf }}>{t.retryOf}</Link> (attempt {t.attempt})</>}</dd>
          {t.gpuIndices && <><dt>GPUs</dt><dd>{t.gpuIndices.join(', ')}</dd></>}
          {t.exitCode !== undefined && <><dt>exit code</dt><dd>{t.exitCode}{t.signal ? ` (${t.signal})` : ''}</dd></>}
          <dt>folder</dt><dd><code className="wrap">{t.trialDir}</code></dd>
        </dl>
      </div>
      <section className="card">
        <h3>Architecture {isNasSpace(space) ? '' : <span className="muted">(parameters)</span>}</h3>
        <ArchDiagram arch={arch} />
      </section>
      <div className="cards two">
        <section className="card">
          <div className="card-head"><h3>Parameters</h3><CopyButton text={paramsJson} /></div>
          <pre className="code" data-testid="trial-parameters">{paramsJson}</pre>
        </section>
        <section className="card">
          <h3>Intermediate results <span className="muted">({t.intermediateCount})</span></h3>
          {curve.x.length === 0 ? <p className="muted">none reported yet</p> : (
            <LineChart x={curve.x} ys={curve.ys} xLabel="report" yLabel="metric" series={[{ label: t.id, color: seriesColor(0) }]} testId="trial-curve" integerX />
          )}
        </section>
      </div>
      <section className="card">
        <div className="card-head">
          <h3>Log</h3>
          <nav className="tabs small">
            {(['stdout', 'stderr', 'trial'] as const).map((n) => (
              <button key={n} type="button" className={`tab ${log === n ? 'active' : ''}`} onClick={() => setLog(n)}>{n}</button>
            ))}
          </nav>
        </div>
        <LogTail experimentId={id} trialId={t.id} name={log} running={running} />
      </section>
      <section className="card">
        <h3>Status history</h3>
        <table className="grid compact" data-testid="status-history">
          <thead><tr><th>time</th><th>from</th><th>to</th><th>reason</th></tr></thead>
          <tbody>
            {data.events.map((e) => (
              <tr key={e.seq}><td>{formatTime(e.at)}</td><td>{e.from ?? '(created)'}</td><td><StatusBadge status={e.to} /></td><td>{e.reason ?? ''}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
      {cloning && <CloneDialog experimentId={id} from={cloning} onClose={() => setCloning(undefined)} onAdded={(n) => { setCloning(undefined); navigate(`/experiments/${id}/trials/${n.id}`); }} />}
    </div>
  );
}
