import type { ExperimentStatus, TrialStatus } from '../api/types';

/** A colored status label (colors in styles.css by status name). */
export function StatusBadge({ status }: { status: TrialStatus | ExperimentStatus }) {
  return <span className={`badge status-${status}`} data-status={status}>{status.replace('_', ' ')}</span>;
}
