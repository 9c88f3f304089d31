import { useState } from 'react';
import type { TrialParameters, TrialRecord } from '../api/types';
import { useServices } from '../app-context';

/**
 * Dialog to add a customized trial from another trial's parameters, edited as JSON (NNI's
 * "customized trial"). The JSON is checked to be an object here; the daemon validates the values
 * against the search space and its message is shown as is.
 */
export function CloneDialog({ experimentId, from, onClose, onAdded }: {
  experimentId: string;
  from: TrialRecord;
  onClose(): void;
  onAdded(t: TrialRecord): void;
}) {
  const { api } = useServices();
  const [text, setText] = useState(JSON.stringify(from.parameters, null, 2));
  const [err, setErr] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      setErr(`not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      setErr('parameters must be a JSON object: {"key": value, ...}');
      return;
    }
    setBusy(true);
    api.addTrial(experimentId, parsed as TrialParameters).then(onAdded, (e: Error) => setErr(e.message)).finally(() => setBusy(false));
  };
  return (
    <div className="modal-back" onClick={onClose}>
      <div className="modal" role="dialog" aria-label="clone trial" onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
        <h3>New trial from <code>{from.id}</code></h3>
        <p className="muted">Edit the parameters, then add the trial; it runs when a slot is free.</p>
        <textarea className="code" rows={14} value={text} onChange={(e) => setText(e.target.value)} autoFocus aria-label="parameters JSON" />
        {err && <div className="error-line">{err}</div>}
        <div className="row-right">
          <button type="button" className="ghost" onClick={onClose}>cancel</button>
          <button type="button" disabled={busy} onClick={submit} data-testid="clone-submit">add trial</button>
        </div>
      </div>
    </div>
  );
}
