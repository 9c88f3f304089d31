import { useState } from 'react';
import type { TrialRecord } from '../api/types';
import { useServices } from '../app-context';

/** Kill (waiting/running), retry (ended) and clone buttons of one trial; errors shown inline. */
export function TrialActions({ experimentId, trial, onClone, onDone }: {
  experimentId: string;
  trial: TrialRecord;
  onClone(t: TrialRecord): void;
  onDone?(t: TrialRecord): void;
}) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string>();
  const live = trial.status === 'WAITING' || trial.status === 'RUNNING';
  const run = (p: Promise<TrialRecord>) => {
    setBusy(true);
    p.then((t) => {
      setErr(undefined);
      onDone?.(t);
    }, (e: Error) => setErr(e.message)).finally(() => setBusy(false));
  };
  return (
    <span className="actions" onClick={(e) => e.stopPropagation()}>
      {live && <button type="button" className="small danger" disabled={busy} data-testid="kill" title="cancel this trial"
        onClick={() => run(api.killTrial(experimentId, trial.id))}>kill</button>}
      {!live && <button type="button" className="small" disabled={busy} title="run the same parameters again as a new trial"
        onClick={() => run(api.retryTrial(experimentId, trial.id))}>retry</button>}
      <button type="button" className="small ghost" title="new trial from these parameters, edited" onClick={() => onClone(trial)}>clone</button>
      {err && <span className="error-line" title={err}>{err}</span>}
    </span>
  );
}
