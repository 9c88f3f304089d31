import { useState } from 'react';
import type { Route } from '../routing/route';
import { Link } from '../routing/router';
import { ExperimentProvider, useExperiment } from '../live/experiment-context';
import { useServices } from '../app-context';
import { StatusBadge } from '../components/status-badge';
import { OverviewPage } from './overview-page';
import { TrialsPage } from './trials-page';
import { TrialDetailPage } from './trial-detail-page';
import { ChartsPage } from './charts-page';
import { SupernetPage } from './supernet-page';
import { useSupernetTab } from '../supernet/use-supernet-tab';

type ExperimentRoute = Extract<Route, { experimentId: string }>;
/** What the app hands the shell: the pages of one experiment. */
type ShellRoute = ExperimentRoute;

function Header({ route }: { route: ExperimentRoute }) {
  const { detail, id, setDetail } = useExperiment();
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string>();
  const act = (a: 'stop' | 'resume') => {
    setBusy(true);
    api.experimentAction(id, a).then(setDetail, (e: Error) => setErr(e.message)).finally(() => setBusy(false));
  };
  const supernet = useSupernetTab(detail) || route.page === 'supernet';
  const tab = (page: 'overview' | 'trials' | 'charts' | 'supernet', label: string) => (
    <Link to={{ page, experimentId: id }} className={`tab ${route.page === page || (page === 'trials' && route.page === 'trial') ? 'active' : ''}`}>{label}</Link>
  );
  const running = detail && (detail.status === 'RUNNING' || detail.status === 'NO_MORE_TRIAL');
  return (
    <div className="exp-header">
      <div className="exp-title">
        <Link to="/" className="muted">experiments</Link>
        <span className="muted"> / </span>
        <h2 data-testid="experiment-name">{detail?.name || id}</h2>
        <code className="muted">{id}</code>
        {detail && <StatusBadge status={detail.status} />}
        <span className="spacer" />
        {detail && running && <button type="button" disabled={busy} onClick={() => act('stop')}>Stop</button>}
        {detail && !running && detail.status !== 'DONE' && !detail.readOnly && <button type="button" disabled={busy} onClick={() => act('resume')}>Resume</button>}
        <a className="button ghost" href={api.exportUrl(id, 'csv')}>export CSV</a>
      </div>
      {err && <div className="error-box" onClick={() => setErr(undefined)}>{err}</div>}
      <nav className="tabs">
        {tab('overview', 'Overview')}
        {tab('trials', 'Trials')}
        {tab('charts', 'Charts')}
        {supernet && tab('supernet', 'Supernet')}
      </nav>
    </div>
  );
}

function Body({ route }: { route: ExperimentRoute }) {
  const { detail, error } = useExperiment();
  if (error && !detail) return <div className="error-box">{error}</div>;
  // The table needs the experiment only for its choice columns: start loading rows at once.
  if (!detail && route.page !== 'trials') return <p className="muted">loading…</p>;
  switch (route.page) {
    case 'overview': return <OverviewPage />;
    case 'trials': return <TrialsPage />;
    case 'trial': return <TrialDetailPage trialId={route.trialId} />;
    case 'charts': return <ChartsPage />;
    case 'supernet': return <SupernetPage />;
  }
}

/** Frame of every page of one experiment: live state, header with tabs and actions, then the tab. */
export function ExperimentShell({ route }: { route: ShellRoute }) {
  return (
    <ExperimentProvider id={route.experimentId}>
      <div className="page">
        <Header route={route} />
        <Body route={route} />
      </div>
    </ExperimentProvider>
  );
}
