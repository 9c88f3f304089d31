/**
 * The trial side of the local channel: JSON lines over an inherited bidirectional socket (fd 3).
 *
 * The socket is unref'd whenever the trial is not waiting for a message, so an idle channel
 * never keeps the process alive; writes are queued in order and `flush()` resolves once every
 * queued line has been handed to the kernel.
 */
import * as net from 'node:net';
import { LineDecoder } from '../protocol/line-decoder';
import { parseDaemonMessage } from '../protocol/parse-message';
import { encodeMessage } from '../protocol/encode-message';
import type { DaemonToTrial, TrialToDaemon } from '../protocol/messages';

interface Waiter {
  resolve(message: DaemonToTrial): void;
  reject(error: Error): void;
}

/** Thrown (rejected) when the daemon's side of the channel is gone or sent something unreadable. */
export class ChannelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChannelError';
  }
}

/** One channel per process. Created by the SDK the first time it needs the daemon. */
export class FdChannel {
  private readonly socket: net.Socket;
  private readonly decoder: LineDecoder;
  private readonly inbox: DaemonToTrial[] = [];
  private waiter: Waiter | undefined;
  private pendingWrites = 0;
  private flushWaiters: Array<() => void> = [];
  private closedError: Error | undefined;

  /** Opens the inherited descriptor `fd`. Throws if it is not open (run outside nasctl with a stale env). */
  constructor(fd: number) {
    this.socket = new net.Socket({ fd, readable: true, writable: true });
    this.decoder = new LineDecoder({
      onLine: (line) => this.onLine(line),
      onLineError: (error) => this.fail(new ChannelError(`nasctl channel: ${error}`)),
    });
    this.socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    this.socket.on('end', () => {
      this.decoder.end();
      this.fail(new ChannelError('nasctl channel closed by the daemon (the trial was stopped or the daemon exited)'));
    });
    this.socket.on('error', (error) => this.fail(new ChannelError(`nasctl channel error: ${error.message}`, { cause: error })));
    this.socket.unref();
  }

  /** Queues one message; lines reach the daemon in call order. Never blocks. */
  send(message: TrialToDaemon): void {
    if (this.socket.destroyed) return;
    this.pendingWrites += 1;
    this.socket.write(encodeMessage(message), this.onWritten);
  }

  /** Resolves when every message sent so far has been written. Await it before `process.exit()`. */
  flush(): Promise<void> {
    if (this.pendingWrites === 0 || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /**
   * Resolves with the next message from the daemon. Keeps the process alive only while waiting.
   * Rejects with ChannelError if the channel closes first. At most one receive at a time.
   */
  receive(): Promise<DaemonToTrial> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    if (this.waiter !== undefined) return Promise.reject(new ChannelError('receive() is already waiting for a message'));
    this.socket.ref();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Flushes, then closes the channel (after `no_more_trials`). Safe to call twice. */
  async close(): Promise<void> {
    await this.flush();
    if (!this.socket.destroyed) {
      this.socket.end();
      this.socket.destroy();
    }
  }

  private readonly onWritten = (): void => {
    this.pendingWrites -= 1;
    if (this.pendingWrites === 0 && this.flushWaiters.length > 0) {
      const waiters = this.flushWaiters;
      this.flushWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  private onLine(line: string): void {
    const parsed = parseDaemonMessage(line);
    if (!parsed.ok) {
      this.fail(new ChannelError(`nasctl channel: unreadable message from the daemon (${parsed.error}): ${line.slice(0, 200)}`));
      return;
    }
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      this.socket.unref();
      waiter.resolve(parsed.message);
    } else {
      this.inbox.push(parsed.message);
    }
  }

  private fail(error: Error): void {
    if (this.closedError === undefined) this.closedError = error;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      this.socket.unref();
      waiter.reject(error);
    }
  }
}
