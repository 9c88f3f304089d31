/**
 * Keeps the latest nvidia-smi snapshot and refreshes it on demand, never more often than
 * `minIntervalMs`. The training service asks for a refresh only while a GPU job waits, so an
 * experiment without GPU jobs never runs nvidia-smi.
 */
import { queryGpus, type GpuQueryResult } from './nvidia-smi';
import { readProcStat } from './process-group';

/** What the monitor needs from its owner. */
export interface GpuMonitorOptions {
  nvidiaSmiPath: string;
  minIntervalMs: number;
  /** Pids (and process-group ids) of our live trial processes. */
  ownProcessGroups: () => ReadonlySet<number>;
  /** Called after every completed query (the owner decides whether capacity grew). */
  onRefreshed: () => void;
  now?: () => number;
}

/** The latest usable view: GPU states, or the reason nvidia-smi could not give them. */
export type GpuSnapshot = GpuQueryResult;

/** One per training service. `dispose()` stops its timer. */
export class GpuMonitor {
  private readonly options: GpuMonitorOptions;
  private readonly now: () => number;
  private latest: GpuSnapshot | undefined;
  private takenAt = -Infinity;
  private lastQueryStart = -Infinity;
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: GpuMonitorOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The snapshot if it is younger than `minIntervalMs` and not invalidated; else undefined. */
  fresh(): GpuSnapshot | undefined {
    if (this.latest === undefined || this.now() - this.takenAt > this.options.minIntervalMs) return undefined;
    return this.latest;
  }

  /** The last snapshot however old (for wait messages), or undefined before the first query. */
  last(): GpuSnapshot | undefined {
    return this.latest;
  }

  /** Forgets the snapshot (e.g. one of our GPU trials ended): the next GPU start needs a new query. */
  invalidate(): void {
    this.takenAt = -Infinity;
  }

  /** Starts a query now, or schedules one for when `minIntervalMs` since the last has passed. Idempotent. */
  requestRefresh(): void {
    if (this.disposed || this.inFlight || this.timer !== undefined) return;
    const wait = this.lastQueryStart + this.options.minIntervalMs - this.now();
    if (wait <= 0) {
      void this.query();
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.query();
      }, wait);
    }
  }

  /** Stops any scheduled query; results of a running one are dropped. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async query(): Promise<void> {
    this.inFlight = true;
    this.lastQueryStart = this.now();
    const own = this.options.ownProcessGroups();
    const result = await queryGpus(this.options.nvidiaSmiPath, (pid) => isInGroups(pid, own));
    this.inFlight = false;
    if (this.disposed) return;
    this.latest = result;
    this.takenAt = this.now();
    this.options.onRefreshed();
  }
}

/** True if `pid` is one of `groups` or belongs to one of those process groups (Linux /proc). */
async function isInGroups(pid: number, groups: ReadonlySet<number>): Promise<boolean> {
  if (groups.has(pid)) return true;
  const stat = await readProcStat(pid);
  return stat !== undefined && groups.has(stat.pgrp);
}
