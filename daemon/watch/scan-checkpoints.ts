import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BoardSnapshot, CheckpointEntry } from './checkpoint-types';
import { epochOfFolder, parseBoard, parseManifest, sortCheckpoints } from './parse-checkpoint';
import { BOARD_FILE } from '../../trial-runtime/train/cream/board-file';

/**
 * Reads `<root>/<name>/manifest.json` into an entry. Returns null when the folder has no
 * manifest (yet); a corrupt manifest gives an entry with `error`. Never throws.
 */
export function readCheckpoint(root: string, name: string): CheckpointEntry | null {
  const dir = path.join(root, name);
  const file = path.join(dir, 'manifest.json');
  let text: string;
  let mtime: string;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtime = fs.statSync(file).mtime.toISOString();
  } catch {
    return null;
  }
  return parseManifest(text, dir, name, mtime);
}

/**
 * Every `epoch_NNN` checkpoint under `root`, sorted by epoch (none when `root` does not exist).
 * Called at watcher start, on its `ready`, and by the REST routes for experiments that are not
 * watched. Never throws.
 */
export function scanCheckpoints(root: string): CheckpointEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: CheckpointEntry[] = [];
  for (const name of names) {
    if (epochOfFolder(name) === undefined) continue;
    const e = readCheckpoint(root, name);
    if (e) out.push(e);
  }
  return sortCheckpoints(out);
}

/**
 * The Cream board of `root`, or null when there is no board.json. Throws Error naming the file
 * when it exists but is malformed.
 */
export function readBoard(root: string): BoardSnapshot | null {
  const file = path.join(root, BOARD_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseBoard(text, file);
}
