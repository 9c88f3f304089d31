import type { ParameterValue } from '../api/types';

/** "1h 02m", "3m 04s", "12s" for a duration in ms; pure. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Local date and time "2025-03-01 14:02:11" of ms since epoch; "–" when absent. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A metric number with 4 significant digits (large numbers with k/M/G suffixes). */
export function formatNumber(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(4)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(4)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(4)}k`;
  if (a === 0) return '0';
  return Number(v.toPrecision(4)).toString();
}

/** A search-space or parameter value as text: strings as they are, anything else as JSON. */
export function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Short display of a chosen parameter value: NNI's {_value,_idx} shows its _value. */
export function formatParameter(v: ParameterValue | undefined): string {
  return v === undefined ? '' : valueText(chosenValue(v));
}

/** The chosen value itself: `_value` of NNI's layer/input choice shape, else the value. */
export function chosenValue(v: ParameterValue): ParameterValue {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && '_value' in v) {
    return (v as { _value: ParameterValue })._value;
  }
  return v;
}
