/**
 * File-system chores of trials done on one worker thread, off the daemon's event loop: creating
 * trial directories ahead of demand and writing the small files that are there for people
 * (`parameters.json`, `worker.txt`). Creating a file or a directory costs 45–200 µs of ext4
 * journaling here; at thousands of trials per second that was most of the event loop's time.
 * Operations queued in one turn of the event loop travel to the thread as one message.
 */
import { Worker } from 'node:worker_threads';

/** One queued operation. */
type FileOp = { kind: 'write'; path: string; data: string } | { kind: 'mkdir'; path: string };

/** What the thread answers for one batch. */
interface BatchResult {
  id: number;
  /** Directories it created, in order. */
  made: string[];
  errors: string[];
}

/** The thread: plain JavaScript (evaluated), synchronous fs calls, one answer per batch. */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (batch) => {
  const made = [];
  const errors = [];
  for (const op of batch.ops) {
    try {
      if (op.kind === 'write') fs.writeFileSync(op.path, op.data);
      else { fs.mkdirSync(op.path); made.push(op.path); }
    } catch (error) {
      errors.push(op.path + ': ' + error.message);
    }
  }
  parentPort.postMessage({ id: batch.id, made, errors });
});
`;

/** Constructor options. */
export interface BackgroundFilesOptions {
  /** Where failures go (a file that could not be written is reported, never thrown). */
  log: (line: string) => void;
}

/**
 * One worker thread per owner (a runner's directory pool, a training service). The thread starts
 * on first use and does not keep the process alive; `close()` finishes what is queued and ends it.
 */
export class BackgroundFiles {
  private readonly log: (line: string) => void;
  private worker: Worker | undefined;
  private queue: FileOp[] = [];
  private flushQueued = false;
  private nextBatch = 0;
  private readonly pending = new Map<number, (result: BatchResult) => void>();
  private closed = false;

  constructor(options: BackgroundFilesOptions) {
    this.log = options.log;
  }

  /** Queues writing `data` to `file` (created or replaced). Failures are logged. Ignored after close. */
  write(file: string, data: string): void {
    if (this.closed) return;
    this.enqueue({ kind: 'write', path: file, data });
  }

  /**
   * Creates the directories (not recursively: their parent must exist); resolves with those that
   * were created (one that already exists is left out, not reported). Resolves empty after close.
   */
  makeDirs(dirs: readonly string[]): Promise<string[]> {
    if (this.closed || dirs.length === 0) return Promise.resolve([]);
    for (const dir of dirs) this.enqueue({ kind: 'mkdir', path: dir });
    return this.flushed().then((results) => results.flatMap((r) => r.made));
  }

  /** Resolves when everything queued so far has been done. */
  async flush(): Promise<void> {
    await this.flushed();
  }

  /** Finishes what is queued, then ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed();
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private enqueue(op: FileOp): void {
    this.queue.push(op);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.send());
    }
  }

  /** Sends the queue now (if any) and resolves with the results of every batch still in flight. */
  private flushed(): Promise<BatchResult[]> {
    this.send();
    return Promise.all([...this.pending.keys()].map((id) => new Promise<BatchResult>((resolve) => this.chain(id, resolve))));
  }

  private chain(id: number, resolve: (result: BatchResult) => void): void {
    const first = this.pending.get(id);
    if (first === undefined) return;
    this.pending.set(id, (result) => {
      first(result);
      resolve(result);
    });
  }

  private send(): void {
    this.flushQueued = false;
    if (this.queue.length === 0) return;
    const ops = this.queue;
    this.queue = [];
    const id = this.nextBatch++;
    this.pending.set(id, (result) => {
      for (const error of result.errors) this.log(`background file operation failed: ${error}`);
    });
    this.thread().postMessage({ id, ops });
    this.worker!.ref(); // work in flight: keep the process up until it is done
  }

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (result: BatchResult) => {
      const done = this.pending.get(result.id);
      this.pending.delete(result.id);
      if (this.pending.size === 0) worker.unref();
      done?.(result);
    });
    worker.on('error', (error) => {
      this.log(`background file thread failed: ${error.message}; a new one starts for the next files`);
      this.fallBack();
    });
    this.worker = worker;
    return worker;
  }

  /** The thread died: answer what was in flight as failed and go on without files being lost silently. */
  private fallBack(): void {
    for (const [id, done] of this.pending) done({ id, made: [], errors: ['the background file thread stopped'] });
    this.pending.clear();
    this.worker = undefined;
  }
}
