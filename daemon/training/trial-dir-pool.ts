/**
 * Trial directories created ahead of demand, on a background thread: when the scheduler creates
 * a trial, its directory already exists, and the event loop does not pay the 45–200 µs a mkdir
 * costs on ext4. Ids come from the caller's id source, so a directory is named after the trial
 * that will use it. Directories made but never used are removed by `close()` (a daemon that dies
 * leaves at most `ahead` empty folders behind). When demand outruns it (the event loop had to make
 * a directory itself), it keeps twice as many ready, up to 256: on a busy machine the thread gets
 * the CPU late, and a mkdir on the event loop costs it more than a trial's share. Not higher: unused folders are made and removed again.
 */
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import * as path from 'node:path';
import { BackgroundFiles } from './background-files';

/** Most directories kept ready after growing. */
const MAX_AHEAD = 256;

/** Constructor options. */
export interface TrialDirPoolOptions {
  /** Existing folder that holds the trial directories (`<experiment>/trials`). */
  trialsDir: string;
  /** A fresh trial id per call (random: collisions are skipped). */
  nextId: () => string;
  /** How many directories to keep ready at first (default 64; doubles, up to 256, each time it runs dry). */
  ahead?: number;
  log?: (line: string) => void;
}

/** One per running experiment; `close()` when it stops. */
export class TrialDirPool {
  private readonly trialsDir: string;
  private readonly nextId: () => string;
  private ahead: number;
  private readonly files: BackgroundFiles;
  private ready: Array<{ id: string; dir: string }> = [];
  /** The refill in flight, resolved once its directories are in `ready`; undefined when none is. */
  private refilling: Promise<void> | undefined;
  /** Whether a refill has landed (before that, the pool is empty because it is new). */
  private filled = false;
  private closed = false;

  constructor(options: TrialDirPoolOptions) {
    this.trialsDir = options.trialsDir;
    this.nextId = options.nextId;
    this.ahead = options.ahead ?? 64;
    this.files = new BackgroundFiles({ log: options.log ?? (() => {}) });
  }

  /**
   * A new trial id with its directory, which exists. Takes a prepared one when there is one,
   * else creates it now (synchronously, skipping ids whose directory exists); either way asks
   * for more ahead. Throws what mkdirSync throws when it must create one and cannot.
   */
  take(): { id: string; dir: string } {
    const prepared = this.ready.shift();
    // Dry after a refill landed (not merely at the first take): demand outran it.
    if (prepared === undefined && this.filled) this.ahead = Math.min(this.ahead * 2, Math.max(MAX_AHEAD, this.ahead));
    if (this.ready.length < this.ahead / 2) this.refill();
    if (prepared !== undefined) return prepared;
    for (;;) {
      const id = this.nextId();
      const dir = path.join(this.trialsDir, id);
      try {
        mkdirSync(dir);
        return { id, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }

  /**
   * A new trial id and the path of its folder, which is NOT created: for training services whose
   * trials create their folder on first use (TrainingService.trialDirsOnDemand). Skips ids whose
   * folder exists or that `taken` reports (a trial of that id in the store), so two trials never
   * share a folder. Costs a stat per id, no file-system write.
   */
  name(taken: (id: string) => boolean): { id: string; dir: string } {
    for (;;) {
      const id = this.nextId();
      const dir = path.join(this.trialsDir, id);
      if (!taken(id) && !existsSync(dir)) return { id, dir };
    }
  }

  /** How many directories it currently keeps ready (diagnostics, tests). */
  get target(): number {
    return this.ahead;
  }

  /** Resolves once the refill in flight (if any) has landed: its directories can be taken (tests). */
  async whenRefilled(): Promise<void> {
    await this.refilling;
  }

  /** Removes the prepared directories nobody took (if still empty) and ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    await this.files.close();
    for (const { dir } of this.ready) rmdirSafe(dir);
    this.ready = [];
  }

  private refill(): void {
    if (this.refilling !== undefined || this.closed) return;
    const wanted: Array<{ id: string; dir: string }> = [];
    for (let i = this.ready.length; i < this.ahead; i += 1) {
      const id = this.nextId();
      wanted.push({ id, dir: path.join(this.trialsDir, id) });
    }
    this.refilling = this.files.makeDirs(wanted.map((w) => w.dir)).then((made) => {
      this.refilling = undefined;
      // One entry per directory created: an id drawn twice in a batch was created once.
      const byDir = new Map(wanted.map((w) => [w.dir, w]));
      const fresh = made.map((dir) => byDir.get(dir)!);
      if (this.closed) {
        for (const { dir } of fresh) rmdirSafe(dir);
        return;
      }
      this.ready.push(...fresh);
      this.filled = true;
    });
  }
}

/** Removes an empty directory; leaves it when it is not empty (or already gone). */
function rmdirSafe(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty or gone: leave it
  }
}
