import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { BoardSnapshot, CheckpointEntry } from './checkpoint-types';
import { epochOfFolder, sameCheckpoint, sortCheckpoints } from './parse-checkpoint';
import { readBoard, readCheckpoint, scanCheckpoints } from './scan-checkpoints';
import { BOARD_FILE } from '../../trial-runtime/train/cream/board-file';

/** What one watcher needs; given by CheckpointWatchers. */
export interface CheckpointWatcherOptions {
  /** Absolute checkpoint folder (created when missing: chokidar cannot watch a folder that does not exist). */
  directory: string;
  /** Called for each new or changed `epoch_NNN/manifest.json` (not for those present at start). */
  onCheckpoint(entry: CheckpointEntry): void;
  /** Called when board.json appears or changes (and parses). */
  onBoard(board: BoardSnapshot): void;
  /** Receives one line per problem (corrupt manifest or board, watcher error). */
  log(line: string): void;
}

/**
 * How long a file must stay the same size before its event is handled: a manifest written in
 * several pieces (not renamed in) is read once complete.
 */
const STABLE_MS = 100;

/**
 * Watches one experiment's checkpoint folder with chokidar (depth 1: `epoch_NNN/manifest.json`
 * and `board.json` only; `latest/` and `.tmp-*` folders are ignored) and keeps the list of its
 * checkpoints. Problems are logged and listed (an entry with `error`), never thrown. Created and
 * closed by CheckpointWatchers when the experiment starts and stops.
 */
export class CheckpointWatcher {
  private readonly known = new Map<string, CheckpointEntry>();
  private board: BoardSnapshot | null = null;
  private watcher: FSWatcher | undefined;
  private closed = false;
  private unblock: (() => void) | undefined;

  constructor(private readonly opts: CheckpointWatcherOptions) {}

  get directory(): string {
    return this.opts.directory;
  }

  /**
   * Records what the folder already holds (no callbacks for it), then watches. Resolves when
   * chokidar is ready (after a second scan that reports anything written meanwhile). Never
   * rejects: a folder that cannot be created or watched is logged and stays unwatched.
   */
  async start(): Promise<void> {
    const dir = this.opts.directory;
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.opts.log(`checkpoint watcher: cannot create ${dir}: ${(e as Error).message}; checkpoints of this experiment are not watched`);
      return;
    }
    this.sync(false);
    this.board = this.tryReadBoard();
    const w = watch(dir, {
      depth: 1,
      ignoreInitial: true,
      ignored: (p: string) => !this.interesting(p),
      awaitWriteFinish: { stabilityThreshold: STABLE_MS, pollInterval: 25 },
    });
    this.watcher = w;
    w.on('add', (p) => this.onFile(p));
    w.on('change', (p) => this.onFile(p));
    w.on('unlink', (p) => this.onRemoved(p));
    w.on('unlinkDir', (p) => this.onRemoved(p));
    w.on('error', (e) => this.opts.log(`checkpoint watcher of ${dir}: ${e instanceof Error ? e.message : String(e)}`));
    await new Promise<void>((resolve) => {
      this.unblock = resolve; // close() before ready: chokidar may never say ready
      w.once('ready', () => resolve());
    });
    if (!this.closed) this.sync(true);
  }

  /** The checkpoints seen so far, sorted by epoch. */
  list(): CheckpointEntry[] {
    return sortCheckpoints([...this.known.values()]);
  }

  /** The last board.json that parsed, or null. */
  currentBoard(): BoardSnapshot | null {
    return this.board;
  }

  /**
   * Reports what was written since the last event (a trial that ended just now may have saved
   * a checkpoint whose event is still pending), then stops watching. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unblock?.();
    const w = this.watcher;
    this.watcher = undefined;
    if (w) {
      this.sync(true);
      const b = this.tryReadBoard();
      if (b && JSON.stringify(b) !== JSON.stringify(this.board)) {
        this.board = b;
        this.opts.onBoard(b);
      }
      await w.close();
    }
  }

  /** Paths chokidar should report: the root, epoch folders, their manifest.json, board.json. */
  private interesting(p: string): boolean {
    const rel = path.relative(this.opts.directory, p);
    if (rel === '') return true;
    const parts = rel.split(path.sep);
    if (parts.length === 1) return parts[0] === BOARD_FILE || epochOfFolder(parts[0] as string) !== undefined;
    return parts.length === 2 && epochOfFolder(parts[0] as string) !== undefined && parts[1] === 'manifest.json';
  }

  private onFile(p: string): void {
    if (this.closed) return;
    const rel = path.relative(this.opts.directory, p);
    if (rel === BOARD_FILE) {
      const b = this.tryReadBoard();
      if (b) {
        this.board = b;
        this.opts.onBoard(b);
      }
      return;
    }
    const name = rel.split(path.sep)[0] as string;
    const e = readCheckpoint(this.opts.directory, name);
    if (e) this.record(e, true);
  }

  private onRemoved(p: string): void {
    const rel = path.relative(this.opts.directory, p);
    const name = rel.split(path.sep)[0] as string;
    if (rel === BOARD_FILE) return; // replaced by rename: the add follows; a deleted board stays shown
    this.known.delete(name);
  }

  /** Re-reads the folder, recording (and with `notify`, reporting) new or changed checkpoints. */
  private sync(notify: boolean): void {
    for (const e of scanCheckpoints(this.opts.directory)) this.record(e, notify);
  }

  private record(e: CheckpointEntry, notify: boolean): void {
    const old = this.known.get(e.name);
    if (old && sameCheckpoint(old, e)) return;
    this.known.set(e.name, e);
    if (e.error) this.opts.log(`checkpoint watcher: ${e.error}`);
    if (notify) this.opts.onCheckpoint(e);
  }

  private tryReadBoard(): BoardSnapshot | null {
    try {
      return readBoard(this.opts.directory);
    } catch (e) {
      this.opts.log(`checkpoint watcher: ${(e as Error).message}; the board keeps its last good version`);
      return this.board;
    }
  }
}
