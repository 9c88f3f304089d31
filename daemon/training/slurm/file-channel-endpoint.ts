/**
 * The daemon's side of the file channel (cluster transport) for one channel directory: reads
 * `messages.jsonl` as the trial appends to it (a byte offset per file, a trailing partial line
 * is kept until its newline arrives); the replies go to `replies.jsonl` (reply-file.ts). The
 * folder is watched with the file system's change notifications (`fs.watch`, inotify), or with
 * chokidar polling where those do not see other hosts' writes (`usePolling`, NFS-like file
 * systems) or cannot be set up.
 *
 * The offset is saved after every read that consumed lines (channel-offset.ts: in the store's
 * transaction, or in `messages.offset`), so a daemon that restarts and re-attaches continues
 * where the previous one stopped instead of delivering metrics twice.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, watch as fsWatch, type FSWatcher as NodeWatcher } from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { LineDecoder, MAX_LINE_BYTES, type LineSink } from '../../../trial-runtime/protocol/line-decoder';
import { WORKER_TRIALS_FILE } from '../service-common';
import { REPLIES_FILE } from './reply-file';
import { channelOffset, OFFSET_FILE, type ChannelOffset } from './channel-offset';

/** The file a trial appends its messages to. */
export const MESSAGES_FILE = 'messages.jsonl';
/** Folder of the replies of daemons before `replies.jsonl` (one file per request); ignored by the watch. */
const LEGACY_REPLIES_DIR = 'parameters';

const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/** chokidar's throttle window for 'change' events of one file. */
const CHOKIDAR_THROTTLE_MS = 50;
/** Files of the folder the daemon writes itself: their changes are no news (a reuse worker's `trials.jsonl` too). */
const OWN_FILES = new Set([OFFSET_FILE, REPLIES_FILE, LEGACY_REPLIES_DIR, WORKER_TRIALS_FILE]);

/** Options of one endpoint. */
export interface FileChannelOptions extends LineSink {
  /** Absolute channel directory (created if missing). */
  dir: string;
  /** Called when a file other than messages.jsonl appears or changes in the directory (e.g. `exit_code`). */
  onFile?(name: string): void;
  /** Watch by polling (network file systems, where inotify does not see other hosts' writes). */
  usePolling?: boolean;
  /** Polling interval in ms when `usePolling` (default 500). */
  pollIntervalMs?: number;
  /** Resume from the saved offset (re-attach) instead of 0. */
  resume?: boolean;
  /** Where the offset is saved (default: `messages.offset` in the folder). */
  savedOffset?: ChannelOffset;
}

/** One watched channel directory. Construct to start watching; `close()` to stop. */
export class FileChannelEndpoint {
  readonly dir: string;
  private readonly options: FileChannelOptions;
  private readonly decoder: LineDecoder;
  /** chokidar: with polling, or where `fs.watch` failed. */
  private watcher: FSWatcher | undefined;
  /** Unthrottled inotify watch of the folder (not with polling): reads every append at once. */
  private fastWatcher: NodeWatcher | undefined;
  private readonly messagesPath: string;
  private offset = 0;
  private readonly savedOffset: ChannelOffset;
  private closed = false;
  private trailingRead: NodeJS.Timeout | undefined;

  constructor(options: FileChannelOptions) {
    this.options = options;
    this.dir = options.dir;
    this.messagesPath = path.join(options.dir, MESSAGES_FILE);
    mkdirSync(options.dir, { recursive: true });
    this.decoder = new LineDecoder(options);
    this.savedOffset = options.savedOffset ?? channelOffset(options.dir, undefined);
    if (options.resume === true) this.offset = this.savedOffset.load();
    if (options.usePolling === true || !this.watchFast()) this.watchWithChokidar();
    // Lines written before the watch was in place.
    queueMicrotask(() => this.readNew());
  }

  /**
   * Reads every complete line appended since the last read, synchronously, and delivers it.
   * Called on file events and by the service before it reports the trial's exit (so everything
   * the trial wrote is delivered first). Never throws.
   */
  readNew(): void {
    if (this.closed) return;
    let fd: number;
    try {
      fd = openSync(this.messagesPath, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = 0; // truncated by hand: start over
      let advanced = false;
      while (this.offset < size) {
        const length = Math.min(READ_CHUNK_BYTES, size - this.offset);
        const buffer = Buffer.alloc(length);
        const n = readSync(fd, buffer, 0, length, this.offset);
        if (n <= 0) break;
        // Only whole lines are consumed: a partial last line is read again once it is finished,
        // so the saved offset always sits at a line boundary.
        const lastNewline = buffer.lastIndexOf(0x0a, n - 1);
        if (lastNewline < 0) {
          if (n < MAX_LINE_BYTES) break;
          this.decoder.push(buffer.subarray(0, n)); // runaway line: the decoder reports and skips it
          this.offset += n;
        } else {
          this.decoder.push(buffer.subarray(0, lastNewline + 1));
          this.offset += lastNewline + 1;
        }
        advanced = true;
      }
      if (advanced) this.savedOffset.save(this.offset);
    } catch {
      // a transient read error: the next event reads again from the same offset
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Final read, then stops watching. A trailing line without its newline is reported as
   * malformed (the trial ended without finishing it). Resolves when the watcher is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.trailingRead !== undefined) clearTimeout(this.trailingRead);
    this.readNew();
    this.closed = true;
    this.reportPartialTail();
    this.decoder.end();
    this.fastWatcher?.close();
    this.fastWatcher = undefined;
    this.savedOffset.close();
    await this.watcher?.close();
  }

  /**
   * Where the file system reports changes (not with polling): a plain `fs.watch` of the folder
   * reads every append at once and reports the other files (`exit_code`). chokidar, which stats
   * every changed file, rescans the folder and holds back a 'change' that follows another within
   * 50 ms, cost more than the rest of a reuse-mode trial's hand-over. Returns false when the
   * folder cannot be watched; a watch that fails later hands over to chokidar.
   */
  private watchFast(): boolean {
    try {
      const watcher = fsWatch(this.dir, { persistent: true }, (_event, name) => {
        if (this.closed) return;
        if (name === MESSAGES_FILE) this.readNew();
        else if (name !== null && !OWN_FILES.has(name) && !name.endsWith('.tmp')) this.options.onFile?.(name);
      });
      watcher.on('error', () => {
        watcher.close();
        if (this.fastWatcher !== watcher) return;
        this.fastWatcher = undefined;
        if (!this.closed) {
          this.watchWithChokidar();
          this.readNew();
        }
      });
      this.fastWatcher = watcher;
      return true;
    } catch {
      return false;
    }
  }

  /** chokidar's watch of the folder: by polling (network file systems) or as the fallback of `fs.watch`. */
  private watchWithChokidar(): void {
    const options = this.options;
    this.watcher = watch(options.dir, {
      depth: 0,
      ignoreInitial: true,
      usePolling: options.usePolling ?? false,
      interval: options.pollIntervalMs ?? 500,
      ignored: (file, stats) => file !== options.dir && (stats?.isDirectory() === true || path.basename(file).endsWith('.tmp') || OWN_FILES.has(path.basename(file))),
    });
    const onEvent = (file: string): void => {
      if (this.closed) return;
      const name = path.basename(file);
      if (name === MESSAGES_FILE) {
        this.readNew();
        this.scheduleTrailingRead();
      } else {
        options.onFile?.(name);
      }
    };
    this.watcher.on('add', onEvent);
    this.watcher.on('change', onEvent);
    this.watcher.on('error', () => this.readNew());
  }

  /**
   * chokidar drops a 'change' that follows another within 50 ms on the same file (its throttle),
   * so a line appended right after another could wait for the next write: read once more after
   * the throttle window.
   */
  private scheduleTrailingRead(): void {
    if (this.trailingRead !== undefined) clearTimeout(this.trailingRead);
    this.trailingRead = setTimeout(() => {
      this.trailingRead = undefined;
      this.readNew();
    }, CHOKIDAR_THROTTLE_MS + 10);
  }

  /** Bytes after the last newline when the trial is over: never a message, reported as malformed. */
  private reportPartialTail(): void {
    try {
      const rest = readFileSync(this.messagesPath).subarray(this.offset);
      if (rest.length > 0) {
        this.options.onLineError('incomplete line at end of messages.jsonl (no terminating newline); every message must end with "\\n"', rest.subarray(0, 200).toString('utf8'));
      }
    } catch {
      // no messages file
    }
  }
}
