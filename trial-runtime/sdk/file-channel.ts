/**
 * The trial side of the file channel (cluster transport, NASCTL_CHANNEL_DIR): messages are
 * appended to `<dir>/messages.jsonl`, one whole line per write; the daemon's replies are appended
 * to `<dir>/replies.jsonl`, one line each (reply k = line k), and are read by offset up to the
 * last newline, so a line still being written is never taken for a reply. Waiting for a reply
 * watches the folder where the file system reports changes and polls with backoff anyway
 * (network file systems do not report other hosts' writes); each look reopens the file, so
 * NFS's close-to-open consistency shows the daemon's latest appends. A daemon of the earlier
 * layout (one file `parameters/<k>.json` per reply, no `replies.jsonl`) is still understood.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, watch, writeSync, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { parseDaemonMessage } from '../protocol/parse-message';
import { encodeMessage } from '../protocol/encode-message';
import { completeLines } from '../protocol/complete-lines';
import type { DaemonToTrial, TrialToDaemon } from '../protocol/messages';
import { ChannelError } from './fd-channel';

/** Poll delays while waiting for a reply: from the first to the longest (ms). */
const FIRST_POLL_MS = 1;
const MAX_POLL_MS = 100;
/** The daemon's replies, one line each. */
const REPLIES_FILE = 'replies.jsonl';
/** Files of the folder whose changes bring no reply: the trial's own messages, the daemon's bookkeeping. */
const NO_NEWS = new Set(['messages.jsonl', 'messages.offset', 'trials.jsonl']);

/** One channel per process. Created by the SDK the first time it needs the daemon. */
export class FileChannel {
  private readonly dir: string;
  private readonly messagesPath: string;
  private readonly repliesPath: string;
  /** Replies taken so far (the next is number `received`). */
  private received = 0;
  /** Bytes of `replies.jsonl` consumed (always at a line boundary). */
  private offset = 0;
  /** Complete reply lines read but not yet returned. */
  private pending: string[] = [];
  /** Whether `replies.jsonl` was seen (then the earlier layout is never looked for). */
  private newLayout = false;
  private waiting = false;
  private closed = false;
  /** `messages.jsonl`, open for appending once the first message is sent. */
  private messagesFd: number | undefined;
  /** Watch of the folder while a receive waits; wakes `onChange`. */
  private watcher: FSWatcher | undefined;
  private onChange: (() => void) | undefined;

  /** `dir` is NASCTL_CHANNEL_DIR (absolute, shared with the daemon). Nothing is opened yet. */
  constructor(dir: string) {
    this.dir = dir;
    this.messagesPath = path.join(dir, 'messages.jsonl');
    this.repliesPath = path.join(dir, REPLIES_FILE);
  }

  /**
   * Appends one message as a single write, so the daemon never sees half of it as a line.
   * Throws ChannelError when the channel directory cannot be written.
   */
  send(message: TrialToDaemon): void {
    if (this.closed) return;
    try {
      this.messagesFd ??= openSync(this.messagesPath, 'a');
      const line = Buffer.from(encodeMessage(message));
      if (writeSync(this.messagesFd, line) !== line.length) throw new Error('short write');
    } catch (error) {
      throw new ChannelError(`nasctl file channel: cannot append to ${this.messagesPath}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes are synchronous: nothing is pending. Kept for the same interface as the fd channel. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Resolves with the daemon's reply to the next request (the next line of `replies.jsonl`).
   * Rejects with ChannelError if the reply is unreadable. At most one receive at a time.
   */
  receive(): Promise<DaemonToTrial> {
    if (this.waiting) return Promise.reject(new ChannelError('receive() is already waiting for a message'));
    this.waiting = true;
    return new Promise<DaemonToTrial>((resolve, reject) => {
      let delay = FIRST_POLL_MS;
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        let text: string | undefined;
        try {
          text = this.nextReply();
        } catch (error) {
          done();
          reject(new ChannelError(`nasctl file channel: cannot read ${this.repliesPath}: ${(error as Error).message}`, { cause: error }));
          return;
        }
        if (text === undefined) return;
        done();
        const parsed = parseDaemonMessage(text.trim());
        if (!parsed.ok) {
          reject(new ChannelError(`nasctl file channel: unreadable reply ${this.received} in ${this.dir} (${parsed.error})`));
          return;
        }
        this.received += 1;
        resolve(parsed.message);
      };
      const done = (): void => {
        this.waiting = false;
        this.onChange = undefined;
        if (timer !== undefined) clearTimeout(timer);
      };
      const tick = (): void => {
        check();
        if (!this.waiting) return;
        timer = setTimeout(tick, delay);
        delay = Math.min(MAX_POLL_MS, delay * 2);
      };
      this.onChange = check;
      this.watch();
      tick();
    });
  }

  /** After `no_more_trials`: nothing more is sent or awaited. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.messagesFd !== undefined) closeSync(this.messagesFd);
    this.messagesFd = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /**
   * The next reply's text, or undefined when it is not there yet: a pending line, else the
   * complete lines appended since `offset`; with the earlier layout, `parameters/<k>.json`.
   * Throws on a read error other than a missing file.
   */
  private nextReply(): string | undefined {
    if (this.pending.length === 0) this.readNewLines();
    const line = this.pending.shift();
    if (line !== undefined || this.newLayout) return line;
    try {
      return readFileSync(path.join(this.dir, 'parameters', `${this.received}.json`), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Moves the complete lines after `offset` into `pending`. */
  private readNewLines(): void {
    let fd: number;
    try {
      fd = openSync(this.repliesPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      this.newLayout = true;
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a, n - 1) + 1;
      if (end === 0) return;
      this.offset += end;
      this.pending.push(...completeLines(buffer.subarray(0, end)));
    } finally {
      closeSync(fd);
    }
  }

  /** Watches the folder once for the channel's life (not keeping the process alive); a folder that cannot be watched leaves polling alone. */
  private watch(): void {
    if (this.watcher !== undefined) return;
    try {
      const watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        if (name === null || !NO_NEWS.has(name)) this.onChange?.();
      });
      watcher.on('error', () => {
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
      });
      this.watcher = watcher;
    } catch {
      this.watcher = undefined;
    }
  }
}
