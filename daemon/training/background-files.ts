/**
 * File-system chores of trials done on one worker thread, off the daemon's event loop: creating
 * trial directories ahead of demand and writing the small files that are there for people
 * (a spawn-mode trial's `parameters.json`, a reuse worker's `trials.jsonl`). Creating a file or a directory costs 45–200 µs of ext4
 * journaling here; at thousands of trials per second that was most of the event loop's time.
 * Writes and appends wait up to `batchMs` (default 20 ms) and travel to the thread as one message:
 * a message to a worker thread costs the event loop ~45 µs, as much as the rest of a reuse-mode
 * trial's bookkeeping, so one per trial would be too many; directories go at once.
 * Appending a line to a file that exists creates no inode, so it costs a small fraction of that:
 * per-trial records that need no file of their own go into one append-only file per owner.
 */
import { Worker } from 'node:worker_threads';

/** One queued operation. */
type FileOp = { kind: 'write' | 'append'; path: string; data: string } | { kind: 'mkdir'; path: string };

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
      else if (op.kind === 'append') fs.appendFileSync(op.path, op.data);
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
  /** How long queued writes and appends may wait to share a message with later ones (default 20 ms). */
  batchMs?: number;
}

/**
 * One worker thread per owner (a runner's directory pool, a training service). The thread starts
 * on first use and does not keep the process alive; `close()` finishes what is queued and ends it.
 */
export class BackgroundFiles {
  private readonly log: (line: string) => void;
  private worker: Worker | undefined;
  private queue: FileOp[] = [];
  /** The append of the queued batch for each file, which later appends to that file extend. */
  private readonly appends = new Map<string, { data: string }>();
  private readonly batchMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private nextBatch = 0;
  /** Batches sent to the thread and not answered yet: how to answer each, and its answer. */
  private readonly inFlight = new Map<number, { resolve: (result: BatchResult) => void; done: Promise<BatchResult> }>();
  private closed = false;

  constructor(options: BackgroundFilesOptions) {
    this.log = options.log;
    this.batchMs = options.batchMs ?? 20;
  }

  /** Queues writing `data` to `file` (created or replaced). Failures are logged. Ignored after close. */
  write(file: string, data: string): void {
    if (this.closed) return;
    this.appends.delete(file);
    this.enqueue({ kind: 'write', path: file, data });
  }

  /** Queues appending `data` to `file` (created when missing). Failures are logged. Ignored after close. */
  append(file: string, data: string): void {
    if (this.closed) return;
    // Appends to one file queued for one batch go out as one write (a write in between starts anew).
    const pending = this.appends.get(file);
    if (pending !== undefined) {
      pending.data += data;
      return;
    }
    const op = { kind: 'append' as const, path: file, data };
    this.appends.set(file, op);
    this.enqueue(op);
  }

  /**
   * Creates the directories (not recursively: their parent must exist); resolves with those that
   * were created (one that already exists is left out, and logged). Resolves empty after close.
   */
  async makeDirs(dirs: readonly string[]): Promise<string[]> {
    if (this.closed || dirs.length === 0) return [];
    for (const dir of dirs) this.enqueue({ kind: 'mkdir', path: dir });
    const batch = this.send()!; // the batch that carries these directories
    return (await batch).made;
  }

  /** Resolves when everything queued so far has been done. */
  async flush(): Promise<void> {
    this.send();
    await Promise.all([...this.inFlight.values()].map((b) => b.done));
  }

  /** Finishes what is queued, then ends the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private enqueue(op: FileOp): void {
    this.queue.push(op);
    this.flushTimer ??= setTimeout(() => this.send(), this.batchMs);
  }

  /** Sends the queue to the thread as one batch; returns its answer (undefined when nothing was queued). */
  private send(): Promise<BatchResult> | undefined {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.queue.length === 0) return undefined;
    const ops = this.queue;
    this.queue = [];
    this.appends.clear();
    const id = this.nextBatch++;
    let resolve!: (result: BatchResult) => void;
    const done = new Promise<BatchResult>((r) => {
      resolve = r;
    }).then((result) => {
      for (const error of result.errors) this.log(`background file operation failed: ${error}`);
      return result;
    });
    this.inFlight.set(id, { resolve, done });
    this.thread().postMessage({ id, ops });
    this.worker!.ref(); // work in flight: keep the process up until it is done
    return done;
  }

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (result: BatchResult) => {
      const batch = this.inFlight.get(result.id);
      this.inFlight.delete(result.id);
      if (this.inFlight.size === 0) worker.unref();
      batch?.resolve(result);
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
    for (const [id, batch] of this.inFlight) batch.resolve({ id, made: [], errors: ['the background file thread stopped'] });
    this.inFlight.clear();
    this.worker = undefined;
  }
}
