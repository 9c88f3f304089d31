/**
 * Calls an async `poll` at a backed-off interval while there is something to follow (Slurm has
 * no push): `minMs` after a change, growing by `factor` up to `maxMs` while nothing changes,
 * and not at all while `active()` is false. Polls never overlap.
 */

/** Options of a poller. */
export interface BackoffPollerOptions {
  minMs: number;
  maxMs: number;
  factor?: number;
  /** One poll; resolves true when it saw a change (the interval drops back to `minMs`). Must not reject. */
  poll(): Promise<boolean>;
  /** Whether anything is outstanding; checked before scheduling each poll. */
  active(): boolean;
}

/** One per service. `kick()` after anything that should be looked at soon; `stop()` at shutdown. */
export class BackoffPoller {
  private readonly options: BackoffPollerOptions;
  private interval: number;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private polling = false;
  private kickedWhilePolling = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(options: BackoffPollerOptions) {
    this.options = options;
    this.interval = options.minMs;
  }

  /** Polls within `minMs` (sooner than an already planned, later poll), if anything is active. */
  kick(): void {
    this.interval = this.options.minMs;
    if (this.polling) {
      this.kickedWhilePolling = true;
      return;
    }
    this.schedule(this.options.minMs);
  }

  /** Stops for good; a poll in flight finishes but schedules nothing more. Resolves when none is in flight. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.polling) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.stopped || !this.options.active()) return;
    const due = Date.now() + delayMs;
    if (this.timer !== undefined) {
      if (due >= this.dueAt) return;
      clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.dueAt = Infinity;
    this.polling = true;
    this.kickedWhilePolling = false;
    let changed = false;
    try {
      changed = await this.options.poll();
    } finally {
      this.polling = false;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
    if (changed || this.kickedWhilePolling) this.interval = this.options.minMs;
    else this.interval = Math.min(this.options.maxMs, this.interval * (this.options.factor ?? 1.5));
    this.schedule(this.interval);
  }
}
