import { io, type Socket } from 'socket.io-client';
import type { ExperimentSummary, LiveDelta } from '../api/types';

/** State of the live connection, shown by the indicator in the header. */
export interface LiveState {
  status: 'connecting' | 'online' | 'offline';
  /** ms since epoch when the connection was lost (status offline). */
  offlineSince?: number;
  /** The last outage, once recovered: how long, and how many missed deltas were caught up. */
  lastOutage?: { from: number; to: number; caughtUp: number; reset: boolean };
}

type DeltaListener = (deltas: LiveDelta[]) => void;

interface ExperimentSubscription {
  listeners: Set<DeltaListener>;
  resetListeners: Set<() => void>;
  /** Highest seq seen; undefined until the first delta. */
  lastSeq?: number;
  queue: LiveDelta[];
}

type SubscribeAck = { ok: true; caughtUp: number } | { ok: false; error: { code: string; message: string } };

/**
 * The UI's one socket.io connection to the daemon (docs/rest-api.md, "Live events"). Created once
 * by the app shell; `close()` on unmount. Views subscribe to an experiment's deltas and receive
 * them in batches (at most one batch per animation frame, so 200 updates/s cost a few renders).
 * After a disconnect it re-subscribes with the last seq seen, so missed deltas arrive first; when
 * the daemon no longer has them (or none had been seen), `reset` listeners reload through REST.
 */
export class LiveConnection {
  private readonly socket: Socket;
  private readonly experiments = new Map<string, ExperimentSubscription>();
  private readonly listListeners = new Set<() => void>();
  private readonly summaryListeners = new Set<(s: ExperimentSummary[]) => void>();
  private readonly stateListeners = new Set<(s: LiveState) => void>();
  private state: LiveState = { status: 'connecting' };
  private flushScheduled = false;
  private everConnected = false;

  constructor(token?: string) {
    this.socket = io({ auth: token ? { token } : {}, transports: ['websocket', 'polling'] });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', () => this.setState({ ...this.state, status: 'offline', offlineSince: Date.now() }));
    this.socket.on('connect_error', () => {
      if (this.state.status !== 'offline') this.setState({ ...this.state, status: 'offline', offlineSince: Date.now() });
    });
    this.socket.on('delta', (d: LiveDelta) => this.onDelta(d));
    // Batched delivery (subscribe with batch: true): the daemon coalesces ~50 ms of deltas.
    this.socket.on('deltas', (ds: LiveDelta[]) => {
      for (const d of ds) this.onDelta(d);
    });
    this.socket.on('reset', (p: { experimentId: string }) => this.onReset(p.experimentId));
    this.socket.on('experiment-delta', () => this.listListeners.forEach((l) => l()));
    this.socket.on('experiment-summaries', (list: ExperimentSummary[]) => this.summaryListeners.forEach((l) => l(list)));
  }

  /** Current state (for the first render of the indicator). */
  getState(): LiveState {
    return this.state;
  }

  /** Calls `l` on every state change; returns the unsubscribe function. */
  onState(l: (s: LiveState) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  /**
   * Receives deltas of experiment `id` in order, batched; `onReset` is called when the view must
   * reload through REST (missed deltas no longer kept). Returns the unsubscribe function.
   */
  subscribe(id: string, onDeltas: DeltaListener, onReset: () => void): () => void {
    let sub = this.experiments.get(id);
    if (!sub) {
      sub = { listeners: new Set(), resetListeners: new Set(), queue: [] };
      this.experiments.set(id, sub);
      if (this.socket.connected) this.emitSubscribe(id, sub);
    }
    sub.listeners.add(onDeltas);
    sub.resetListeners.add(onReset);
    const s = sub;
    return () => {
      s.listeners.delete(onDeltas);
      s.resetListeners.delete(onReset);
      if (s.listeners.size === 0) {
        this.experiments.delete(id);
        if (this.socket.connected) this.socket.emit('unsubscribe', { experimentId: id });
      }
    };
  }

  /** Calls `l` whenever any experiment's state changes (list views). */
  subscribeList(l: () => void): () => void {
    this.listListeners.add(l);
    return () => this.listListeners.delete(l);
  }

  /**
   * Calls `l` with the new summaries (trial counts, best metric, status) of experiments whose
   * trials changed, at most about once a second (list views). Returns the unsubscribe function.
   */
  subscribeSummaries(l: (summaries: ExperimentSummary[]) => void): () => void {
    this.summaryListeners.add(l);
    return () => this.summaryListeners.delete(l);
  }

  /** Disconnects for good. */
  close(): void {
    this.socket.close();
  }

  private onConnect(): void {
    const recovering = this.everConnected;
    this.everConnected = true;
    this.socket.emit('subscribe-list');
    if (recovering) this.listListeners.forEach((l) => l());
    let pending = this.experiments.size;
    let caughtUp = 0;
    let reset = false;
    const from = this.state.offlineSince ?? Date.now();
    const done = () => {
      if (recovering) this.setState({ status: 'online', lastOutage: { from, to: Date.now(), caughtUp, reset } });
      else this.setState({ status: 'online', lastOutage: this.state.lastOutage });
    };
    if (pending === 0) {
      done();
      return;
    }
    for (const [id, sub] of this.experiments) {
      if (recovering && sub.lastSeq === undefined) {
        // Nothing seen before the outage: we cannot know what was missed; reload.
        reset = true;
        this.onReset(id);
      }
      this.emitSubscribe(id, sub, (ack) => {
        if (ack.ok) caughtUp += ack.caughtUp;
        if (--pending === 0) done();
      });
    }
  }

  private emitSubscribe(id: string, sub: ExperimentSubscription, cb?: (ack: SubscribeAck) => void): void {
    const payload: { experimentId: string; sinceSeq?: number; batch: boolean } = { experimentId: id, batch: true };
    if (sub.lastSeq !== undefined) payload.sinceSeq = sub.lastSeq;
    this.socket.emit('subscribe', payload, (ack: SubscribeAck) => cb?.(ack));
  }

  private onDelta(d: LiveDelta): void {
    const sub = this.experiments.get(d.experimentId);
    if (!sub) return;
    if (sub.lastSeq !== undefined && d.seq <= sub.lastSeq) return; // duplicate
    sub.lastSeq = d.seq;
    sub.queue.push(d);
    if (d.type === 'experiment') this.listListeners.forEach((l) => l());
    this.scheduleFlush();
  }

  private onReset(id: string): void {
    const sub = this.experiments.get(id);
    if (!sub) return;
    sub.queue = [];
    sub.lastSeq = undefined;
    if (this.state.lastOutage) this.setState({ ...this.state, lastOutage: { ...this.state.lastOutage, reset: true } });
    sub.resetListeners.forEach((l) => l());
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const flush = () => {
      if (!this.flushScheduled) return;
      this.flushScheduled = false;
      for (const sub of this.experiments.values()) {
        if (sub.queue.length === 0) continue;
        const batch = sub.queue;
        sub.queue = [];
        sub.listeners.forEach((l) => l(batch));
      }
    };
    // rAF pauses in background tabs; the timer keeps hidden tabs current at a low rate.
    requestAnimationFrame(flush);
    window.setTimeout(flush, 250);
  }

  private setState(s: LiveState): void {
    this.state = s;
    this.stateListeners.forEach((l) => l(s));
  }
}
