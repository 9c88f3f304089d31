import { useEffect, useState } from 'react';
import { useServices } from '../app-context';
import type { LiveState } from '../live/live-connection';
import { formatDuration } from '../lib/format';

/**
 * Header indicator of the live connection: "live", "connecting", or "offline since 14:02 — changes
 * will catch up"; after an outage it says how long it was offline and how many changes were caught
 * up (or that the view was reloaded).
 */
export function LiveIndicator() {
  const { live } = useServices();
  const [state, setState] = useState<LiveState>(live.getState());
  const [now, setNow] = useState(Date.now());
  useEffect(() => live.onState(setState), [live]);
  useEffect(() => {
    if (state.status !== 'offline') return;
    const t = window.setInterval(() => setNow(Date.now()), 1000); // only to count the outage's seconds
    return () => window.clearInterval(t);
  }, [state.status]);
  const o = state.lastOutage;
  let title = 'connected: updates arrive as they happen';
  let text = 'live';
  if (state.status === 'connecting') {
    text = 'connecting…';
    title = 'connecting to the nasctl daemon';
  } else if (state.status === 'offline') {
    text = `offline ${formatDuration(now - (state.offlineSince ?? now))}`;
    title = 'lost the connection to the daemon; retrying. Missed changes will be caught up when it is back.';
  }
  return (
    <span className={`live live-${state.status}`} data-testid="live-indicator" data-status={state.status} title={title}>
      <span className="live-dot" />
      {text}
      {state.status === 'online' && o && (
        <span className="live-outage" data-testid="live-outage">
          {` · was offline ${formatDuration(o.to - o.from)}, ${o.reset ? 'reloaded' : `caught up ${o.caughtUp} change${o.caughtUp === 1 ? '' : 's'}`}`}
        </span>
      )}
    </span>
  );
}
