import type { BoardEntry, BoardSnapshot, CheckpointEntry } from './checkpoint-types';
import { CHECKPOINT_FORMAT } from '../../trial-runtime/train/checkpoint-manifest';

/** Folder names of epoch checkpoints: `epoch_NNN` (any number of digits). */
const EPOCH_DIR = /^epoch_(\d+)$/;

/** The epoch a checkpoint folder name designates, or undefined when it is not `epoch_NNN`. Pure. */
export function epochOfFolder(name: string): number | undefined {
  const m = EPOCH_DIR.exec(name);
  return m ? Number(m[1]) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Finite numeric entries of `v` (others dropped: JSON has no NaN, a manifest may hold null). */
function numbers(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  return out;
}

/**
 * The entry of checkpoint folder `dir` (named `name`) from the text of its manifest.json.
 * `mtime` (ISO) stands in for createdAt when the manifest lacks one. A manifest that is not JSON
 * or not a nasctl checkpoint manifest gives an entry with `error` (saying what is wrong and what
 * to do) and the epoch of the folder name: it is listed, never thrown. Pure.
 */
export function parseManifest(text: string, dir: string, name: string, mtime: string): CheckpointEntry {
  const folderEpoch = epochOfFolder(name) ?? -1;
  const broken = (why: string): CheckpointEntry => ({
    name, dir, epoch: folderEpoch, metrics: {}, createdAt: mtime,
    error: `${dir}/manifest.json ${why}; this checkpoint cannot be loaded, use another epoch folder`,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return broken(`is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(raw) || raw.format !== CHECKPOINT_FORMAT) return broken(`is not a nasctl checkpoint manifest (format must be '${CHECKPOINT_FORMAT}')`);
  if (typeof raw.epoch !== 'number' || !Number.isFinite(raw.epoch)) return broken('has no numeric "epoch"');
  const entry: CheckpointEntry = {
    name,
    dir,
    epoch: raw.epoch,
    metrics: numbers(raw.metrics),
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : mtime,
  };
  if (typeof raw.step === 'number') entry.step = raw.step;
  if (typeof raw.space === 'string') entry.space = raw.space;
  if (typeof raw.backend === 'string') entry.backend = raw.backend;
  return entry;
}

/**
 * Parses the text of a Cream `board.json` ({updatedAt, epoch, step, entries: [{arch, prec1,
 * flops}]}). Throws Error saying which field of `where` is wrong. Pure.
 */
export function parseBoard(text: string, where: string): BoardSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.entries)) throw new Error(`${where} must be an object with an "entries" array`);
  const entries: BoardEntry[] = raw.entries.map((e: unknown, i: number) => {
    if (!isRecord(e) || !Array.isArray(e.arch) || !e.arch.every((a) => typeof a === 'number') || typeof e.prec1 !== 'number' || typeof e.flops !== 'number') {
      throw new Error(`${where}: entries[${i}] must be {"arch": number[], "prec1": number, "flops": number}`);
    }
    return { arch: e.arch as number[], prec1: e.prec1, flops: e.flops };
  });
  return {
    updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : '',
    epoch: typeof raw.epoch === 'number' ? raw.epoch : 0,
    step: typeof raw.step === 'number' ? raw.step : 0,
    entries,
  };
}

/** Orders checkpoints by epoch, then folder name. Pure (returns a new array). */
export function sortCheckpoints(list: readonly CheckpointEntry[]): CheckpointEntry[] {
  return [...list].sort((a, b) => a.epoch - b.epoch || a.name.localeCompare(b.name));
}

/** Whether two entries say the same (a `change` event that changed nothing publishes no delta). Pure. */
export function sameCheckpoint(a: CheckpointEntry, b: CheckpointEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
