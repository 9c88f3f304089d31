import { memo } from 'react';
import type { TrialRecord } from '../api/types';
import { StatusBadge } from '../components/status-badge';
import { TrialActions } from './trial-actions';
import type { TrialColumn } from './columns';

function Cell({ col, t }: { col: TrialColumn; t: TrialRecord }) {
  if (col.id === 'status') return <StatusBadge status={t.status} />;
  const text = col.text(t);
  return <span title={text}>{text}</span>;
}

/** Props of one table row; callbacks must be stable (the row is memoized). */
export interface TrialRowProps {
  experimentId: string;
  /** The trial, or undefined while its page loads. */
  t: TrialRecord | undefined;
  index: number;
  /** Top of the row in the scrolled content, px. */
  start: number;
  active: boolean;
  selected: boolean;
  shown: readonly TrialColumn[];
  template: string;
  /** Minimum width of the row, px; it stretches to the table's width beyond it. */
  width: number;
  onOpen(index: number, t: TrialRecord | undefined): void;
  onToggle(id: string): void;
  onClone(t: TrialRecord): void;
}

/**
 * One virtualized row of the trials table. Memoized: while trials stream in, a render of the
 * table re-renders only the rows whose trial object, position or selection changed (the page
 * cache keeps unchanged trials' objects), which keeps frames short at hundreds of updates/s.
 */
export const TrialRow = memo(function TrialRow(p: TrialRowProps) {
  const { t } = p;
  return (
    <div className={`vrow ${p.active ? 'active' : ''} ${p.selected ? 'selected' : ''}`}
      style={{ gridTemplateColumns: p.template, width: '100%', minWidth: p.width, transform: `translateY(${p.start}px)` }}
      data-trial={t?.id} data-status={t?.status} data-index={p.index}
      onClick={() => p.onOpen(p.index, t)}>
      {t ? (
        <>
          <span onClick={(e) => e.stopPropagation()}>
            <input type="checkbox" checked={p.selected} onChange={() => p.onToggle(t.id)} aria-label={`select ${t.id}`} />
          </span>
          {p.shown.map((c) => <span key={c.id} className={c.numeric ? 'num' : ''} data-col={c.id}><Cell col={c} t={t} /></span>)}
          <TrialActions experimentId={p.experimentId} trial={t} onClone={p.onClone} />
        </>
      ) : <span className="muted">…</span>}
    </div>
  );
});
