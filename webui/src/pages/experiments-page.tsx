import { useEffect, useMemo, useState } from 'react';
import { useServices } from '../app-context';
import { Link, useRouter } from '../routing/router';
import { EXPERIMENT_STATUS_LIST, TRIAL_STATUS_LIST, type ExperimentStatus, type ExperimentSummary } from '../api/types';
import { StatusBadge } from '../components/status-badge';
import { formatNumber, formatTime } from '../lib/format';
import { throttle } from '../lib/throttle';
import { toggled } from '../lib/toggled';

/**
 * Every experiment under NASCTL_HOME: status, times, trial counts by status, best metric;
 * filter by status and name. Refreshes when the live connection reports an experiment change;
 * trial counts and best metrics update live from `experiment-summaries` events.
 */
export function ExperimentsPage() {
  const { api, live } = useServices();
  const { navigate } = useRouter();
  const [list, setList] = useState<ExperimentSummary[]>();
  const [error, setError] = useState<string>();
  const [name, setName] = useState('');
  const [statuses, setStatuses] = useState<Set<ExperimentStatus>>(new Set());

  useEffect(() => {
    const load = () => api.listExperiments().then((l) => {
      setList(l);
      setError(undefined);
    }, (e: Error) => setError(e.message));
    const refresh = throttle(() => void load(), 1000);
    void load();
    const unsub = live.subscribeList(refresh);
    // Trial counts and best metrics arrive as summaries of the changed experiments: merged in place.
    const unsubSummaries = live.subscribeSummaries((changed) => setList((old) => {
      if (!old) return old;
      const byId = new Map(changed.map((c) => [c.id, c]));
      const next = old.map((e) => byId.get(e.id) ?? e);
      const known = new Set(old.map((e) => e.id));
      return [...next, ...changed.filter((c) => !known.has(c.id))];
    }));
    return () => {
      unsub();
      unsubSummaries();
      refresh.cancel();
    };
  }, [api, live]);

  const shown = useMemo(() => (list ?? []).filter((e) =>
    (statuses.size === 0 || statuses.has(e.status))
    && (name === '' || e.name.toLowerCase().includes(name.toLowerCase()) || e.id.includes(name)))
    .sort((a, b) => b.createdAt - a.createdAt), [list, name, statuses]);

  const toggle = (s: ExperimentStatus) => setStatuses((old) => toggled(old, s));

  return (
    <div className="page">
      <h2>Experiments</h2>
      <div className="toolbar">
        <input type="search" placeholder="filter by name or id" value={name} onChange={(e) => setName(e.target.value)} aria-label="filter by name" />
        {EXPERIMENT_STATUS_LIST.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={statuses.has(s)} onChange={() => toggle(s)} /> {s.replace('_', ' ')}
          </label>
        ))}
      </div>
      {error && <div className="error-box">{error}</div>}
      {!list && !error && <p className="muted">loading…</p>}
      {list && list.length === 0 && (
        <p className="muted">No experiments yet. Create one with <code>nasctl create --config config.yml</code>.</p>
      )}
      {shown.length > 0 && (
        <table className="grid" data-testid="experiments-table">
          <thead>
            <tr><th>name</th><th>id</th><th>status</th><th>created</th><th>started</th><th>ended</th><th>trials by status</th><th className="num">best metric</th></tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id} className="clickable" onClick={() => navigate(`/experiments/${e.id}/overview`)} data-experiment={e.id}>
                <td><Link to={{ page: 'overview', experimentId: e.id }}>{e.name || '(unnamed)'}</Link>{e.readOnly && <span className="muted"> (view only)</span>}</td>
                <td><code>{e.id}</code></td>
                <td><StatusBadge status={e.status} />{e.error && <div className="error-line" title={e.error}>{e.error}</div>}</td>
                <td>{formatTime(e.createdAt)}</td>
                <td>{formatTime(e.startedAt)}</td>
                <td>{formatTime(e.endedAt)}</td>
                <td><TrialCounts counts={e.trialCounts} /></td>
                <td className="num">{formatNumber(e.bestMetric)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Non-zero trial counts as small colored badges. */
export function TrialCounts({ counts }: { counts: ExperimentSummary['trialCounts'] }) {
  const parts = TRIAL_STATUS_LIST.filter((s) => (counts[s] ?? 0) > 0);
  if (parts.length === 0) return <span className="muted">none</span>;
  return (
    <span className="counts">
      {parts.map((s) => <span key={s} className={`count status-${s}`} title={s}>{s.replace('_', ' ').toLowerCase()} {counts[s]}</span>)}
    </span>
  );
}
