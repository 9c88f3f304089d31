import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useServices } from '../app-context';
import { useExperiment } from '../live/experiment-context';
import { useRouter } from '../routing/router';
import type { TrialRecord } from '../api/types';
import { parseTrialsView, trialsViewSearch, viewQuery, type TrialsView } from '../trials/trials-query-state';
import { useTrialPages } from '../trials/use-trial-pages';
import { DEFAULT_HIDDEN, rowGrid, trialColumns, type TrialColumn } from '../trials/columns';
import { TrialRow } from '../trials/trial-row';
import { CloneDialog } from '../trials/clone-dialog';
import { ComparePanel } from '../trials/compare-panel';
import { TrialsToolbar } from '../trials/trials-toolbar';
import { toggled } from '../lib/toggled';

const ROW_H = 32;

/**
 * The trials table: virtualized rows over server-side paging, sort and filters kept in the
 * address, a column per search-space key, show/hide columns, keyboard navigation (↑ ↓ PgUp PgDn
 * Home End, Enter opens, Space selects), kill / retry / clone, compare of selected trials.
 */
export function TrialsPage() {
  const { api } = useServices();
  const { id, detail, onDeltas } = useExperiment();
  const { search, navigate } = useRouter();
  const view = useMemo(() => parseTrialsView(search), [search]);
  const query = useMemo(() => viewQuery(view), [view]);
  const data = useTrialPages(api, id, query, onDeltas);
  const columns = useMemo(() => trialColumns(detail?.record.config.searchSpace ?? {}), [detail?.record.config.searchSpace]);
  const [hidden, setHidden] = useState<Set<string>>(() => {
    const saved = localStorage.getItem(`nasctl.hidden.${id}`);
    return saved ? new Set(JSON.parse(saved) as string[]) : new Set(DEFAULT_HIDDEN);
  });
  const shown = useMemo(() => columns.filter((c) => !hidden.has(c.id)), [columns, hidden]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comparing, setComparing] = useState<string[]>();
  const [active, setActive] = useState(0);
  const [cloning, setCloning] = useState<TrialRecord>();
  const scroller = useRef<HTMLDivElement>(null);

  const setView = (v: TrialsView) => navigate(`/experiments/${id}/trials${trialsViewSearch(v)}`, { replace: true });
  const toggleHidden = (cid: string) => setHidden((old) => {
    const n = toggled(old, cid);
    localStorage.setItem(`nasctl.hidden.${id}`, JSON.stringify([...n]));
    return n;
  });

  // A new query shows its first rows (use-trial-pages loads page 0 for it).
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setActive(0);
  }, [queryKey]);

  const count = data.total ?? 0;
  const virt = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = virt.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    data.ensure(first, last);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, last, data.ensure, data.version === 0]);

  const { template, minWidth: width } = useMemo(() => rowGrid(shown), [shown]);
  const isSorted = (c: TrialColumn) => (c.sortParam !== undefined ? view.sortParam === c.sortParam : view.sortParam === undefined && c.sort !== undefined && view.sort === c.sort);
  const sortBy = (c: TrialColumn) => {
    if (!c.sort && c.sortParam === undefined) return;
    const order = isSorted(c) && view.order === 'desc' ? 'asc' : 'desc';
    if (c.sortParam !== undefined) setView({ ...view, sortParam: c.sortParam, order });
    else if (c.sort) setView({ ...view, sort: c.sort, sortParam: undefined, order });
  };
  const toggleSelect = useCallback((tid: string) => setSelected((old) => toggled(old, tid)), []);
  const open = useCallback((t: TrialRecord | undefined) => { if (t) navigate(`/experiments/${id}/trials/${t.id}`); }, [navigate, id]);
  const openRow = useCallback((index: number, t: TrialRecord | undefined) => { setActive(index); open(t); }, [open]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_H) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity, j: 1, k: -1 };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(count - 1, active + moves[e.key]));
      setActive(next);
      virt.scrollToIndex(next, { align: 'auto' });
    } else if (e.key === 'Enter') {
      open(data.row(active));
    } else if (e.key === ' ') {
      e.preventDefault();
      const t = data.row(active);
      if (t) toggleSelect(t.id);
    }
  };

  return (
    <div className="trials-page">
      <TrialsToolbar view={view} setView={setView} columns={columns} hidden={hidden} toggleHidden={toggleHidden}
        total={data.total} selected={selected.size} loading={data.loading}
        onCompare={() => setComparing([...selected])} onClearSelection={() => setSelected(new Set())} />
      {data.error && <div className="error-box">{data.error}</div>}
      {comparing && comparing.length > 0 && <ComparePanel experimentId={id} trialIds={comparing} onClose={() => setComparing(undefined)} />}
      <div className="vtable" ref={scroller} tabIndex={0} onKeyDown={onKey} data-testid="trials-table" aria-label="trials; arrow keys move, Enter opens, Space selects"
        data-total={data.total ?? ''} data-rtt={data.lastRoundTripMs ?? ''}>
        <div className="vrow vhead" style={{ gridTemplateColumns: template, minWidth: width }}>
          <span />
          {shown.map((c) => (
            <span key={c.id} className={`${c.numeric ? 'num' : ''} ${c.sort || c.sortParam !== undefined ? 'sortable' : ''}`} onClick={() => sortBy(c)}
              title={c.sort || c.sortParam !== undefined ? 'sort' : 'not sortable on the server'} data-col={c.id}>
              {c.label}{isSorted(c) ? (view.order === 'desc' ? ' ▼' : ' ▲') : ''}
            </span>
          ))}
          <span>actions</span>
        </div>
        <div style={{ height: virt.getTotalSize(), minWidth: width, position: 'relative' }}>
          {items.map((vi) => {
            const t = data.row(vi.index);
            return (
              <TrialRow key={vi.key} experimentId={id} t={t} index={vi.index} start={vi.start} active={vi.index === active}
                selected={t !== undefined && selected.has(t.id)} shown={shown} template={template} width={width}
                onOpen={openRow} onToggle={toggleSelect} onClone={setCloning} />
            );
          })}
        </div>
        {data.total === 0 && !data.loading && <p className="muted pad">No trials match.</p>}
      </div>
      {cloning && <CloneDialog experimentId={id} from={cloning} onClose={() => setCloning(undefined)} onAdded={(t) => { setCloning(undefined); open(t); }} />}
    </div>
  );
}
