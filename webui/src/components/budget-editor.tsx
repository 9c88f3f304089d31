import { useState, type FormEvent, type ReactNode } from 'react';
import type { BudgetUpdate } from '../api/types';
import { DURATION_PATTERN } from '../../../daemon/config/duration';
import { ProgressBar } from './progress-bar';

/** Props of one budget row: its field, its use so far, its limit. */
export interface BudgetRowProps {
  field: keyof BudgetUpdate;
  label: string;
  /** Text of the use so far, e.g. "12 trials" or "4m 10s". */
  used: ReactNode;
  /** Current limit as entered in the config ("2h", "50"); undefined = unlimited. */
  limit: string | undefined;
  fraction: number | undefined;
  editable: boolean;
  /** Sends the change; rejects with the daemon's message, shown under the field. */
  save(update: BudgetUpdate): Promise<void>;
}

/**
 * A budget with a progress bar and inline editing (click "edit", type, Enter to save, Escape to
 * cancel). Numbers (integer >= 1) and durations (the daemon's own pattern) are checked here; the
 * daemon validates again and its error message is shown as is.
 */
export function BudgetRow({ field, label, used, limit, fraction, editable, save }: BudgetRowProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [err, setErr] = useState<string>();
  const [busy, setBusy] = useState(false);
  const isDuration = field === 'maxExperimentDuration';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    let update: BudgetUpdate;
    if (isDuration) {
      if (!DURATION_PATTERN.test(t)) {
        setErr('enter a duration such as 30m, 2h or 1.5d');
        return;
      }
      update = { maxExperimentDuration: t };
    } else {
      const n = Number(t);
      if (!Number.isInteger(n) || n < 1) {
        setErr('enter a whole number of at least 1');
        return;
      }
      update = { [field]: n };
    }
    setBusy(true);
    save(update).then(() => {
      setEditing(false);
      setErr(undefined);
    }, (e2: Error) => setErr(e2.message)).finally(() => setBusy(false));
  };

  return (
    <div className="budget" data-testid={`budget-${field}`}>
      <div className="budget-head">
        <span className="label">{label}</span>
        <span className="budget-used">{used}</span>
        <span className="muted">of</span>
        {editing ? (
          <form onSubmit={submit} className="inline-form">
            <input autoFocus value={text} onChange={(e) => setText(e.target.value)} aria-label={`new ${label}`} size={8}
              onKeyDown={(e) => { if (e.key === 'Escape') setEditing(false); }} data-testid={`budget-input-${field}`} />
            <button type="submit" disabled={busy}>save</button>
            <button type="button" className="ghost" onClick={() => setEditing(false)}>cancel</button>
          </form>
        ) : (
          <>
            <span className="budget-limit" data-testid={`budget-limit-${field}`}>{limit ?? 'unlimited'}</span>
            {editable && (
              <button type="button" className="ghost small" data-testid={`budget-edit-${field}`}
                onClick={() => { setText(limit ?? ''); setErr(undefined); setEditing(true); }}>edit</button>
            )}
          </>
        )}
      </div>
      <ProgressBar fraction={fraction} label={label} />
      {err && <div className="error-line">{err}</div>}
    </div>
  );
}
