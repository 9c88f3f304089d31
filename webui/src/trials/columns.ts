import type { SearchSpace, TrialRecord, TrialSortKey } from '../api/types';
import { formatDuration, formatNumber, formatParameter, formatTime, valueText } from '../lib/format';
import { defaultMetric } from '../lib/metrics';

/** One column of the trials table. */
export interface TrialColumn {
  id: string;
  label: string;
  /** Width in px (the least width of a fluid column). */
  width: number;
  /** Takes a share of the table's spare width (the choice columns). */
  fluid?: boolean;
  /** Server-side sort key, when the column can be sorted. */
  sort?: TrialSortKey;
  /** Search-space key the server sorts this column by (a column per choice). */
  sortParam?: string;
  numeric?: boolean;
  text(t: TrialRecord): string;
}

/** The table's columns: fixed ones, then one per search-space key. Pure. */
export function trialColumns(space: SearchSpace): TrialColumn[] {
  const fixed: TrialColumn[] = [
    { id: 'sequence', label: '#', width: 64, sort: 'sequence', numeric: true, text: (t) => String(t.sequence) },
    { id: 'id', label: 'trial', width: 90, text: (t) => t.id },
    { id: 'status', label: 'status', width: 130, sort: 'status', text: (t) => t.status },
    { id: 'finalMetric', label: 'metric', width: 90, sort: 'finalMetric', numeric: true, text: (t) => formatNumber(defaultMetric(t.finalMetric)) },
    { id: 'intermediate', label: 'reports', width: 70, numeric: true, text: (t) => String(t.intermediateCount) },
    { id: 'duration', label: 'duration', width: 90, sort: 'duration', numeric: true,
      text: (t) => (t.startedAt ? formatDuration((t.endedAt ?? Date.now()) - t.startedAt) : '–') },
    { id: 'startedAt', label: 'started', width: 172, sort: 'startedAt', text: (t) => formatTime(t.startedAt) },
    { id: 'endedAt', label: 'ended', width: 172, sort: 'endedAt', text: (t) => formatTime(t.endedAt) },
    { id: 'source', label: 'source', width: 70, text: (t) => (t.retryOf ? `${t.source}←${t.retryOf}` : t.source) },
  ];
  const params = Object.keys(space).filter((k) => !k.startsWith('_')).map((k): TrialColumn => {
    const spec = space[k];
    const values: unknown[] = Array.isArray(spec._value) ? spec._value : spec._value.candidates;
    const longest = Math.max(k.length, ...values.map((v) => valueText(v).length));
    // ~8.5 px a character of the 14 px UI font (digits and op names like "maxpool3x3" run wide)
    // plus the cell's 16 px padding and a little slack; longer values are cut with a tooltip.
    return { id: `p:${k}`, label: k, sortParam: k, fluid: true, width: Math.min(240, Math.max(70, Math.ceil(longest * 8.5) + 24)), text: (t) => formatParameter(t.parameters[k]) };
  });
  return [...fixed, ...params];
}

/** Columns hidden until the user shows them. */
export const DEFAULT_HIDDEN = new Set(['endedAt', 'source']);

/** The row's fixed columns around the data columns: the selection box and the actions. */
const SELECT_PX = 36;
const ACTIONS_PX = 170;

/**
 * The CSS grid of a trials row (header and rows share it) for the `shown` columns, and the least
 * width of a row, px. Rows stretch to the table's width beyond it: the choice columns (or, when
 * none is shown, the actions column) take the spare room, so no empty band is left on the right.
 */
export function rowGrid(shown: readonly TrialColumn[]): { template: string; minWidth: number } {
  const fluid = shown.some((c) => c.fluid);
  const cols = shown.map((c) => (c.fluid ? `minmax(${c.width}px, 1fr)` : `${c.width}px`)).join(' ');
  return {
    template: `${SELECT_PX}px ${cols} ${fluid ? `${ACTIONS_PX}px` : `minmax(${ACTIONS_PX}px, 1fr)`}`,
    minWidth: SELECT_PX + shown.reduce((a, c) => a + c.width, 0) + ACTIONS_PX,
  };
}
