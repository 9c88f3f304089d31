import type { ExperimentStatus, TrialStatus } from '../store/types';
import type { MetricValue } from '../../trial-runtime/protocol/messages';

/**
 * Renders rows as a left-aligned text table with a header row, columns separated by two
 * spaces, trailing spaces trimmed. Pure.
 */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "3 SUCCEEDED, 1 RUNNING" (non-zero counts of trial or experiment statuses, in the given order), or "none". Pure. */
export function formatCounts(counts: Partial<Record<TrialStatus | ExperimentStatus, number>>): string {
  const parts = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0).map(([s, n]) => `${n} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** A metric's default value with up to 6 significant digits, or "-". Pure. */
export function formatMetric(v: MetricValue | number | undefined): string {
  if (v === undefined) return '-';
  const n = typeof v === 'number' ? v : v.default;
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** "1h02m", "3m05s", "12s" for a duration in ms; "-" when unknown. Pure. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** ISO-like local time "2024-05-01 13:45" for ms since epoch; "-" when absent. Pure apart from the time zone. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
