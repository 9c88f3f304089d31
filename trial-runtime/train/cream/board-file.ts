import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BoardItem } from './prioritized-board';

/** File name of the published board inside the checkpoint directory. */
export const BOARD_FILE = 'board.json';

/** `<checkpointDir>/board.json` (what the daemon's watcher and the web UI read). */
export interface BoardSnapshotJson {
  updatedAt: string;
  /** 1-based epoch in progress. */
  epoch: number;
  /** Optimizer steps completed. */
  step: number;
  entries: { arch: number[]; prec1: number; flops: number }[];
}

/** The snapshot of `board` at a training position. Pure apart from the clock argument. */
export function boardSnapshot(board: readonly BoardItem[], epoch: number, step: number, now: Date): BoardSnapshotJson {
  return { updatedAt: now.toISOString(), epoch, step, entries: board.map((b) => ({ arch: [...b.arch], prec1: b.prec1, flops: b.flops })) };
}

/**
 * Writes `snapshot` to `<dir>/board.json` atomically (a temp file in the same folder, then
 * rename), creating `dir`. Throws the fs error on I/O failure.
 */
export function writeBoardFile(dir: string, snapshot: BoardSnapshotJson): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, BOARD_FILE);
  const tmp = path.join(dir, `.${BOARD_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(snapshot) + '\n');
  fs.renameSync(tmp, file);
  return file;
}
