import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from './checkpoint-error';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  comparableOptions,
  elementCount,
  type CheckpointManifest,
  type TensorEntry,
} from './checkpoint-manifest';
import type { Sgd } from './sgd';

/** What a checkpoint records besides the tensors. */
export type CheckpointInfo = Omit<CheckpointManifest, 'format' | 'version' | 'weights' | 'optimizer' | 'createdAt'>;

/** A checkpoint read from disk and checked for integrity (not yet against a supernet). */
export interface LoadedCheckpoint {
  /** The directory read (an `epoch_NNN` or `latest` folder). */
  dir: string;
  manifest: CheckpointManifest;
  /** Variable values by name. */
  weights: Map<string, { shape: number[]; values: Float32Array }>;
  /** Momentum buffers in manifest order (empty without optimizer state). */
  optimizerState: { name: string; shape: number[]; values: Float32Array }[];
}

/** Directory name of the checkpoint after `epoch` completed epochs: `epoch_001`. */
export function epochDirName(epoch: number): string {
  return `epoch_${String(epoch).padStart(3, '0')}`;
}

function pack(tensors: readonly { name: string; shape: number[]; values: Float32Array }[]): { buf: Buffer; entries: TensorEntry[] } {
  let total = 0;
  const entries = tensors.map((t) => {
    const e = { name: t.name, shape: t.shape, offset: total };
    total += t.values.length;
    return e;
  });
  const all = new Float32Array(total);
  tensors.forEach((t, i) => all.set(t.values, (entries[i] as TensorEntry).offset));
  return { buf: Buffer.from(all.buffer, all.byteOffset, all.byteLength), entries };
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Writes one complete checkpoint into `dir` (created; replaced if it exists). Written to a
 * sibling temp folder and renamed, so a reader never sees half a checkpoint. Synchronous
 * downloads of every tensor: call between steps. Throws the fs error on I/O failure.
 */
export function writeCheckpointDir(dir: string, info: CheckpointInfo, weights: ReadonlyMap<string, tf.Variable>, optimizer?: Sgd): void {
  const w = pack([...weights].map(([name, v]) => ({ name, shape: [...v.shape], values: v.dataSync() as Float32Array })));
  const o = optimizer ? pack(optimizer.stateValues()) : undefined;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_FORMAT_VERSION,
    ...info,
    supernetOptions: comparableOptions(info.supernetOptions),
    weights: { file: 'weights.bin', sha256: sha256(w.buf), entries: w.entries },
    optimizer: optimizer && o ? { file: 'optimizer.bin', sha256: sha256(o.buf), options: { momentum: optimizer.momentum, nesterov: optimizer.nesterov, weightDecay: optimizer.weightDecay }, entries: o.entries } : null,
    createdAt: new Date().toISOString(),
  };
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.tmp-${path.basename(dir)}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(tmp, 'weights.bin'), w.buf);
  if (o) fs.writeFileSync(path.join(tmp, 'optimizer.bin'), o.buf);
  fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/**
 * Saves the checkpoint of epoch `info.epoch` as `<root>/epoch_NNN/` and refreshes
 * `<root>/latest/` (a full copy, so it works on every file system, no symlinks). Returns the
 * epoch folder. Throws the fs error on I/O failure.
 */
export function saveCheckpoint(root: string, info: CheckpointInfo, weights: ReadonlyMap<string, tf.Variable>, optimizer?: Sgd): string {
  const dir = path.join(root, epochDirName(info.epoch));
  writeCheckpointDir(dir, info, weights, optimizer);
  const latestTmp = path.join(root, `.tmp-latest-${process.pid}`);
  fs.rmSync(latestTmp, { recursive: true, force: true });
  fs.cpSync(dir, latestTmp, { recursive: true });
  fs.rmSync(path.join(root, 'latest'), { recursive: true, force: true });
  fs.renameSync(latestTmp, path.join(root, 'latest'));
  return dir;
}

/**
 * The checkpoint folder `p` designates: `p` itself when it holds manifest.json, else
 * `p/latest`. Throws CheckpointError naming `p` when neither exists.
 */
export function resolveCheckpointDir(p: string): string {
  if (fs.existsSync(path.join(p, 'manifest.json'))) return p;
  if (fs.existsSync(path.join(p, 'latest', 'manifest.json'))) return path.join(p, 'latest');
  if (!fs.existsSync(p)) throw new CheckpointError(p, 'checkpoint folder does not exist; pass the --checkpoint-dir of a supernet training run (or one of its epoch_NNN folders)');
  throw new CheckpointError(p, 'no manifest.json here nor in latest/; this is not a nasctl checkpoint folder (expected epoch_NNN/ or latest/ with manifest.json and weights.bin)');
}

function readManifest(file: string): CheckpointManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new CheckpointError(file, `manifest is not valid JSON (${(cause as Error).message}); the checkpoint is corrupt, use another epoch_NNN folder`, { cause });
  }
  const m = raw as Partial<CheckpointManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(file, `not a nasctl checkpoint manifest (format must be '${CHECKPOINT_FORMAT}')`);
  }
  if (m.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(file, `checkpoint format version ${String(m.version)} is not supported (this nasctl reads version ${CHECKPOINT_FORMAT_VERSION})`);
  }
  if (typeof m.space !== 'string' || !m.weights || !Array.isArray(m.weights.entries) || typeof m.epoch !== 'number') {
    throw new CheckpointError(file, 'manifest lacks space, epoch or weights; the checkpoint is corrupt');
  }
  return m as CheckpointManifest;
}

function readTensors(file: string, entries: TensorEntry[], expectedSha: string): { name: string; shape: number[]; values: Float32Array }[] {
  if (!fs.existsSync(file)) throw new CheckpointError(file, 'file is missing; the checkpoint is incomplete');
  const buf = fs.readFileSync(file);
  const expected = entries.reduce((n, e) => Math.max(n, e.offset + elementCount(e.shape)), 0) * 4;
  if (buf.byteLength !== expected) {
    throw new CheckpointError(file, `has ${buf.byteLength} bytes but the manifest describes ${expected} (truncated or corrupt)`);
  }
  if (sha256(buf) !== expectedSha) throw new CheckpointError(file, 'content does not match the sha256 in manifest.json (corrupt)');
  // One aligned copy of the file (a Buffer's offset need not be a multiple of 4); entries are views into it.
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return entries.map((e) => ({ name: e.name, shape: e.shape, values: all.subarray(e.offset, e.offset + elementCount(e.shape)) }));
}

/**
 * Reads and integrity-checks a checkpoint folder (or a training folder, via its `latest/`).
 * Throws CheckpointError naming the file when it is missing, not JSON, of another format
 * version, truncated, or its bytes do not match the recorded sha256.
 */
export function readCheckpoint(p: string): LoadedCheckpoint {
  const dir = resolveCheckpointDir(p);
  const manifest = readManifest(path.join(dir, 'manifest.json'));
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const t of readTensors(path.join(dir, 'weights.bin'), manifest.weights.entries, manifest.weights.sha256)) weights.set(t.name, { shape: t.shape, values: t.values });
  const optimizerState = manifest.optimizer ? readTensors(path.join(dir, 'optimizer.bin'), manifest.optimizer.entries, manifest.optimizer.sha256) : [];
  return { dir, manifest, weights, optimizerState };
}

/** What a loaded checkpoint must have been made for. */
export interface CheckpointExpectation {
  space: string;
  supernetOptions: Record<string, unknown>;
}

/**
 * Checks that `ckpt` was written for the same space and options and that every variable of
 * `weights` is present with the same shape (and nothing extra); then assigns the values. Throws
 * CheckpointError naming manifest.json and the first mismatch (space, option, missing/extra
 * variable, shape) before changing any variable.
 */
export function restoreWeights(ckpt: LoadedCheckpoint, weights: ReadonlyMap<string, tf.Variable>, expect: CheckpointExpectation): void {
  const file = path.join(ckpt.dir, 'manifest.json');
  const m = ckpt.manifest;
  if (m.space !== expect.space) {
    throw new CheckpointError(file, `checkpoint is for space '${m.space}' but the supernet is '${expect.space}'; use --space ${m.space} or another checkpoint`);
  }
  const want = comparableOptions(expect.supernetOptions);
  const have = m.supernetOptions;
  for (const k of new Set([...Object.keys(want), ...Object.keys(have)])) {
    if (JSON.stringify(want[k]) !== JSON.stringify(have[k])) {
      throw new CheckpointError(file, `supernet option '${k}' is ${JSON.stringify(have[k])} in the checkpoint but ${JSON.stringify(want[k])} here; build the supernet with the checkpoint's options`);
    }
  }
  for (const [name, v] of weights) {
    const t = ckpt.weights.get(name);
    if (t === undefined) throw new CheckpointError(file, `has no variable '${name}' (the supernet has ${weights.size} variables, the checkpoint ${ckpt.weights.size}): other architecture`);
    if (t.shape.join(',') !== v.shape.join(',')) throw new CheckpointError(file, `variable '${name}' has shape [${t.shape}] in the checkpoint but [${v.shape}] in the supernet`);
  }
  for (const name of ckpt.weights.keys()) if (!weights.has(name)) throw new CheckpointError(file, `has variable '${name}' that the supernet lacks: other architecture`);
  tf.tidy(() => {
    for (const [name, v] of weights) {
      const t = ckpt.weights.get(name) as { shape: number[]; values: Float32Array };
      v.assign(tf.tensor(t.values, t.shape, 'float32'));
    }
  });
}
