import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import type { BudgetUpdate, TrialRecord } from '../api/types';
import { BudgetRow } from '../components/budget-editor';
import { StatusBadge } from '../components/status-badge';
import { TrialCounts } from './experiments-page';
import { Link } from '../routing/router';
import { formatDuration, formatNumber, formatParameter, formatTime } from '../lib/format';
import { defaultMetric, isMaximize, topTrialsQuery } from '../lib/metrics';
import { parseDuration } from '../../../daemon/config/duration';
import { useTrialRefresh } from '../lib/use-trial-refresh';
import { SearchSpaceView } from '../components/search-space-view';
import { TunerBoardPanel } from '../tuner-board/tuner-board-panel';

/** ms of the duration budget, parsed as the daemon parses it; undefined when unset or unreadable. */
function durationBudgetMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000); // a clock, not polling: no requests
    return () => window.clearInterval(t);
  }, [active]);
  return now;
}

/**
 * The experiment at a glance: status and error, budgets with progress and inline editing, best
 * metric and top trials, why trials wait, the tuner's prioritized board, config and search space.
 */
export function OverviewPage() {
  const { api } = useServices();
  const { detail, id, setDetail } = useExperiment();
  const [topN, setTopN] = useState(10);
  const [top, setTop] = useState<TrialRecord[]>([]);
  const running = detail?.status === 'RUNNING' || detail?.status === 'NO_MORE_TRIAL';
  const now = useNow(running);
  const maximize = isMaximize(detail?.record.config);

  const loadTop = useCallback(() => {
    api.listTrials(id, topTrialsQuery(maximize, topN))
      .then((p) => setTop(p.items), () => undefined);
  }, [api, id, maximize, topN]);
  useTrialRefresh(loadTop);

  if (!detail) return null;
  const rec = detail.record;
  const cfg = rec.config;
  const counts = detail.trialCounts;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const activeMs = rec.activeMs + (running && rec.startedAt ? Math.max(0, now - rec.startedAt) : 0);
  const maxMs = durationBudgetMs(cfg.maxExperimentDuration);
  const save = (u: BudgetUpdate) => api.updateExperiment(id, u).then(setDetail);
  const editable = !detail.readOnly;
  const { searchSpace, ...configRest } = cfg;

  return (
    <div className="overview">
      {detail.status === 'ERROR' && (
        <div className="error-box" data-testid="experiment-error"><b>Experiment failed:</b> {detail.error ?? 'no reason recorded'}</div>
      )}
      {detail.status !== 'ERROR' && detail.error && <div className="notice">Last stop: {detail.error}</div>}
      <div className="cards">
        <section className="card">
          <h3>Status</h3>
          <p><StatusBadge status={detail.status} /> {detail.readOnly && <span className="muted">view only</span>}</p>
          <dl className="kv">
            <dt>created</dt><dd>{formatTime(rec.createdAt)}</dd>
            <dt>started</dt><dd>{formatTime(rec.startedAt)}</dd>
            <dt>ended</dt><dd>{formatTime(rec.endedAt)}</dd>
            <dt>tuner</dt><dd>{cfg.tuner.name}{` (${maximize ? 'maximize' : 'minimize'})`}</dd>
            <dt>platform</dt><dd>{cfg.trainingService.platform}</dd>
            <dt>folder</dt><dd><code className="wrap">{detail.dir}</code></dd>
          </dl>
        </section>
        <section className="card">
          <h3>Budgets</h3>
          <BudgetRow field="maxExperimentDuration" label="duration" used={formatDuration(activeMs)} limit={cfg.maxExperimentDuration}
            fraction={maxMs ? activeMs / maxMs : undefined} editable={editable} save={save} />
          <BudgetRow field="maxTrialNumber" label="trials" used={`${total}`} limit={cfg.maxTrialNumber?.toString()}
            fraction={cfg.maxTrialNumber ? total / cfg.maxTrialNumber : undefined} editable={editable} save={save} />
          <BudgetRow field="trialConcurrency" label="concurrency" used={`${counts.RUNNING ?? 0} running`} limit={String(cfg.trialConcurrency)}
            fraction={(counts.RUNNING ?? 0) / cfg.trialConcurrency} editable={editable} save={save} />
        </section>
        <section className="card">
          <h3>Trials</h3>
          <p><TrialCounts counts={counts} /></p>
          <p className="big" data-testid="best-metric">
            <span className="label">best metric</span> {formatNumber(detail.bestMetric)}
          </p>
          <h4>Why trials wait</h4>
          {detail.waitReasons.length === 0
            ? <p className="muted" data-testid="wait-reasons">{(counts.WAITING ?? 0) > 0 ? 'no reason reported' : 'no trial is waiting'}</p>
            : <ul data-testid="wait-reasons">{detail.waitReasons.map((r) => <li key={r}>{r}</li>)}</ul>}
        </section>
      </div>
      <section className="card">
        <div className="card-head">
          <h3>Top trials</h3>
          <label>show <select value={topN} onChange={(e) => setTopN(Number(e.target.value))}>{[5, 10, 20, 50].map((n) => <option key={n}>{n}</option>)}</select></label>
        </div>
        {top.length === 0 ? <p className="muted">No final metric reported yet.</p> : (
          <table className="grid" data-testid="top-trials">
            <thead><tr><th>#</th><th>trial</th><th>status</th><th className="num">metric</th><th>duration</th><th>parameters</th></tr></thead>
            <tbody>
              {top.map((t, i) => (
                <tr key={t.id}>
                  <td>{i + 1}</td>
                  <td><Link to={{ page: 'trial', experimentId: id, trialId: t.id }}><code>{t.id}</code></Link></td>
                  <td><StatusBadge status={t.status} /></td>
                  <td className="num">{formatNumber(defaultMetric(t.finalMetric))}</td>
                  <td>{formatDuration(t.endedAt && t.startedAt ? t.endedAt - t.startedAt : undefined)}</td>
                  <td className="params-cell">{Object.entries(t.parameters).map(([k, v]) => `${k}=${formatParameter(v)}`).join('  ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <TunerBoardPanel config={cfg} />
      <div className="cards two">
        <section className="card">
          <h3>Search space</h3>
          <SearchSpaceView space={searchSpace} />
        </section>
        <section className="card">
          <h3>Config <span className="muted">(revision {rec.configRevision})</span></h3>
          <pre className="code" data-testid="config-view">{JSON.stringify(configRest, null, 2)}</pre>
        </section>
      </div>
    </div>
  );
}
