/**
 * Hands trials to jobs that outlive the daemon (reply files of reuse workers, submissions) only
 * once the daemon's records of them are durable: the scheduler records a trial as started right
 * after `tryStart` returns, so the writes queued during one turn of the event loop run together
 * at its end, after one `flush` (the listener's commit of the store's group commit). A daemon
 * killed at any moment then never leaves a job running a trial it has no record of.
 */

/** Options: the commit to run first, and where failures are reported. */
export interface HandOverQueueOptions {
  /** Makes the daemon's records durable (`TrainingServiceListener.flush`); may throw. */
  flush(): void;
  log(line: string): void;
}

/** One per training service (or worker pool). */
export class HandOverQueue {
  private readonly options: HandOverQueueOptions;
  private queued: Array<() => void> = [];

  constructor(options: HandOverQueueOptions) {
    this.options = options;
  }

  /**
   * Runs `write` at the end of the current turn (a microtask), after the flush; writes queued in
   * one turn share one flush and run in order. A write that throws is logged and does not stop
   * the others: a write that must report its failure catches it itself.
   */
  push(write: () => void): void {
    if (this.queued.length === 0) queueMicrotask(() => this.run());
    this.queued.push(write);
  }

  /** A promise that resolves at the hand-over point (for asynchronous work such as sbatch). */
  next(): Promise<void> {
    return new Promise((resolve) => this.push(resolve));
  }

  private run(): void {
    const writes = this.queued;
    this.queued = [];
    try {
      this.options.flush();
    } catch (error) {
      this.options.log(`cannot make the trial records durable before handing trials to jobs: ${(error as Error).message}`);
    }
    for (const write of writes) {
      try {
        write();
      } catch (error) {
        this.options.log(`cannot hand a trial to its job: ${(error as Error).message}`);
      }
    }
  }
}
