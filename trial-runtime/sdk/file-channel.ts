/**
 * The trial side of the file channel (cluster transport, NASCTL_CHANNEL_DIR): messages are
 * appended to `<dir>/messages.jsonl`, one whole line per write; the daemon's reply to request k
 * (0-based) is the file `<dir>/parameters/<k>.json`, which the daemon renames into place, so a
 * file that exists is complete. Waiting for a reply watches the folder where the file system
 * reports changes and polls with backoff anyway (network file systems do not report other hosts'
 * writes).
 */
import { appendFileSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { parseDaemonMessage } from '../protocol/parse-message';
import { encodeMessage } from '../protocol/encode-message';
import type { DaemonToTrial, TrialToDaemon } from '../protocol/messages';
import { ChannelError } from './fd-channel';

/** Poll delays while waiting for a reply: from the first to the longest (ms). */
const FIRST_POLL_MS = 1;
const MAX_POLL_MS = 100;

/** One channel per process. Created by the SDK the first time it needs the daemon. */
export class FileChannel {
  private readonly dir: string;
  private readonly messagesPath: string;
  private received = 0;
  private waiting = false;
  private closed = false;

  /** `dir` is NASCTL_CHANNEL_DIR (absolute, shared with the daemon). Nothing is opened yet. */
  constructor(dir: string) {
    this.dir = dir;
    this.messagesPath = path.join(dir, 'messages.jsonl');
  }

  /**
   * Appends one message as a single write, so the daemon never sees half of it as a line.
   * Throws ChannelError when the channel directory cannot be written.
   */
  send(message: TrialToDaemon): void {
    if (this.closed) return;
    try {
      appendFileSync(this.messagesPath, encodeMessage(message));
    } catch (error) {
      throw new ChannelError(`nasctl file channel: cannot append to ${this.messagesPath}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes are synchronous: nothing is pending. Kept for the same interface as the fd channel. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Resolves with the daemon's reply to the next request (`parameters/<k>.json`). Rejects with
   * ChannelError if the file is unreadable. At most one receive at a time.
   */
  receive(): Promise<DaemonToTrial> {
    if (this.waiting) return Promise.reject(new ChannelError('receive() is already waiting for a message'));
    const file = path.join(this.dir, 'parameters', `${this.received}.json`);
    this.waiting = true;
    return new Promise<DaemonToTrial>((resolve, reject) => {
      let delay = FIRST_POLL_MS;
      let timer: NodeJS.Timeout | undefined;
      let watcher: FSWatcher | undefined;
      const done = (): void => {
        this.waiting = false;
        if (timer !== undefined) clearTimeout(timer);
        watcher?.close();
      };
      const check = (): void => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          return;
        }
        done();
        const parsed = parseDaemonMessage(text.trim());
        if (!parsed.ok) {
          reject(new ChannelError(`nasctl file channel: unreadable reply ${file} (${parsed.error})`));
          return;
        }
        this.received += 1;
        resolve(parsed.message);
      };
      const tick = (): void => {
        check();
        if (!this.waiting) return;
        timer = setTimeout(tick, delay);
        delay = Math.min(MAX_POLL_MS, delay * 2);
      };
      try {
        watcher = watch(path.dirname(file), () => {
          if (this.waiting) check();
        });
        watcher.on('error', () => watcher?.close());
      } catch {
        watcher = undefined; // folder missing or not watchable: polling alone
      }
      tick();
    });
  }

  /** After `no_more_trials`: nothing more is sent. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
