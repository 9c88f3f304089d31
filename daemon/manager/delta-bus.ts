import type { LiveDelta } from '../service/live-delta';

/** Omit applied to each member of a union (plain Omit would keep only the common keys). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A delta before the bus numbers it. */
export type UnnumberedDelta = DistributiveOmit<LiveDelta, 'seq'>;

/**
 * Numbers live deltas per experiment, keeps the last `capacity` of each experiment for clients
 * that reconnect, and fans them out to subscribers. Listener errors are reported, never rethrown.
 */
export class DeltaBus {
  private readonly listeners = new Set<(d: LiveDelta) => void>();
  private readonly rings = new Map<string, { seq: number; buffer: LiveDelta[] }>();
  /** Experiments whose deltas wait for their store's commit, with what waits. */
  private readonly held = new Map<string, LiveDelta[]>();

  constructor(private readonly capacity = 20_000, private readonly onListenerError: (e: unknown) => void = () => {}) {}

  publish(delta: UnnumberedDelta): LiveDelta {
    let ring = this.rings.get(delta.experimentId);
    if (!ring) {
      ring = { seq: 0, buffer: [] };
      this.rings.set(delta.experimentId, ring);
    }
    ring.seq += 1;
    const numbered = { ...delta, seq: ring.seq } as LiveDelta;
    ring.buffer.push(numbered);
    if (ring.buffer.length > this.capacity * 1.5) ring.buffer.splice(0, ring.buffer.length - this.capacity);
    const waiting = this.held.get(delta.experimentId);
    if (waiting) waiting.push(numbered);
    else this.deliver(numbered);
    return numbered;
  }

  /** Holds an experiment's deltas back from listeners (its writes are not durable yet). */
  hold(experimentId: string): void {
    if (!this.held.has(experimentId)) this.held.set(experimentId, []);
  }

  /** Delivers what was held, in order (its writes are now durable). */
  release(experimentId: string): void {
    const waiting = this.held.get(experimentId);
    if (!waiting) return;
    this.held.delete(experimentId);
    for (const d of waiting) this.deliver(d);
  }

  private deliver(d: LiveDelta): void {
    for (const l of this.listeners) {
      try {
        l(d);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  subscribe(listener: (d: LiveDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Current sequence number of an experiment (0 before any delta). */
  lastSeq(experimentId: string): number {
    return this.rings.get(experimentId)?.seq ?? 0;
  }

  /** Deltas after `seq`, or null when some of them were already dropped (client must reload). */
  since(experimentId: string, seq: number): LiveDelta[] | null {
    const ring = this.rings.get(experimentId);
    if (!ring) return seq === 0 ? [] : null;
    if (seq > ring.seq) return null;
    if (seq === ring.seq) return [];
    const first = ring.buffer[0];
    if (!first || first.seq > seq + 1) return null;
    return ring.buffer.slice(seq + 1 - first.seq);
  }

  forget(experimentId: string): void {
    this.rings.delete(experimentId);
  }
}
