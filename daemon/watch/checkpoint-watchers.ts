import type { ExperimentService } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import type { UnnumberedDelta } from '../manager/delta-bus';
import { isActiveExperiment, type ExperimentRecord } from '../store/types';
import { NasctlError, NotFoundError } from '../errors';
import type { BoardSnapshot, CheckpointList } from './checkpoint-types';
import { CheckpointWatcher } from './checkpoint-watcher';
import { checkpointDirectoryOf } from './checkpoint-directory';
import { readBoard, scanCheckpoints } from './scan-checkpoints';

/** Read side used by the REST routes (GET /experiments/{id}/checkpoints and /board). */
export interface CheckpointCatalog {
  /** Checkpoints of experiment `id`: the watcher's list while it runs, else a scan. Throws NotFoundError for an unknown experiment. */
  checkpoints(id: string): CheckpointList;
  /**
   * The Cream board of experiment `id`. Throws NotFoundError (unknown experiment, no checkpoint
   * directory, no board.json) and Error for a malformed board.json, each saying what to do.
   */
  board(id: string): BoardSnapshot;
}

/** What CheckpointWatchers needs from the daemon's composition root. */
export interface CheckpointWatchersDeps {
  service: Pick<ExperimentService, 'getExperiment' | 'subscribe'>;
  /** Publishes a delta on the experiment's live stream (numbered with its other deltas). */
  publish(delta: UnnumberedDelta): void;
  log(line: string): void;
}

/**
 * Starts a CheckpointWatcher for every experiment that becomes active (RUNNING / NO_MORE_TRIAL)
 * and names a checkpoint directory, and closes it when the experiment stops, ends or fails;
 * publishes `checkpoint` and `board` deltas. Built once by the daemon's composition root before
 * experiments resume; `close()` at shutdown closes every watcher.
 */
export class CheckpointWatchers implements CheckpointCatalog {
  private readonly watchers = new Map<string, CheckpointWatcher>();
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly deps: CheckpointWatchersDeps) {
    this.unsubscribe = deps.service.subscribe((d: LiveDelta) => {
      if (d.type === 'experiment') this.onExperiment(d.experiment);
    });
  }

  /** Ids of the experiments watched now (for tests and diagnostics). */
  watchedIds(): string[] {
    return [...this.watchers.keys()];
  }

  /** Resolves when every watcher started so far is ready and every close so far is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  checkpoints(id: string): CheckpointList {
    const w = this.watchers.get(id);
    if (w) return { directory: w.directory, watching: true, checkpoints: w.list() };
    const directory = checkpointDirectoryOf(this.deps.service.getExperiment(id).record.config);
    return { directory, watching: false, checkpoints: directory === null ? [] : scanCheckpoints(directory) };
  }

  board(id: string): BoardSnapshot {
    const w = this.watchers.get(id);
    const directory = w ? w.directory : checkpointDirectoryOf(this.deps.service.getExperiment(id).record.config);
    if (directory === null) {
      throw new NotFoundError(`experiment ${id} has no checkpoint directory, so no Cream board: set checkpointDirectory in its config or pass --checkpoint-dir in trialCommand`);
    }
    let board: BoardSnapshot | null;
    try {
      board = w ? w.currentBoard() : readBoard(directory);
    } catch (e) {
      throw new NasctlError('INVALID_BOARD', 500, `${(e as Error).message}; it is rewritten by Cream training at the next epoch`, { cause: e });
    }
    if (!board) {
      throw new NotFoundError(`experiment ${id} has no Cream board yet: ${directory}/board.json does not exist (Cream supernet training writes it; uniform SPOS training has none)`);
    }
    return board;
  }

  /** Stops listening and closes every watcher (each reports what it had not yet). Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.unsubscribe();
      for (const id of [...this.watchers.keys()]) this.stop(id);
    }
    await this.settled();
  }

  private onExperiment(rec: ExperimentRecord): void {
    if (this.closed) return;
    const active = isActiveExperiment(rec.status);
    if (!active) {
      this.stop(rec.id);
      return;
    }
    if (this.watchers.has(rec.id)) return;
    const directory = checkpointDirectoryOf(rec.config);
    if (directory === null) return;
    const id = rec.id;
    const w = new CheckpointWatcher({
      directory,
      onCheckpoint: (checkpoint) => this.deps.publish({ experimentId: id, type: 'checkpoint', checkpoint }),
      onBoard: (board) => this.deps.publish({ experimentId: id, type: 'board', board }),
      log: (line) => this.deps.log(`experiment ${id}: ${line}`),
    });
    this.watchers.set(id, w);
    this.track(w.start());
  }

  private stop(id: string): void {
    const w = this.watchers.get(id);
    if (!w) return;
    this.watchers.delete(id);
    this.track(w.close());
  }

  private track(p: Promise<void>): void {
    const done = p.catch((e: unknown) => this.deps.log(`checkpoint watcher: ${e instanceof Error ? e.message : String(e)}`)).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }
}
