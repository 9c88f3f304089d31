/** A labeled horizontal progress bar; `fraction` is clamped to [0, 1]. */
export function ProgressBar({ fraction, label }: { fraction: number | undefined; label: string }) {
  const f = fraction === undefined || !Number.isFinite(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
  return (
    <div className="progress" role="progressbar" aria-valuenow={Math.round(f * 100)} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
      <div className="progress-fill" style={{ width: `${f * 100}%` }} />
    </div>
  );
}
