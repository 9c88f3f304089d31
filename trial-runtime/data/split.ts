/**
 * Deterministic subsets of a split: the train/validation split (stratified by class, seeded) and
 * seeded size limits. Pure functions of (labels, fraction, seed); the same seed gives the same
 * subsets on every machine.
 */
import { createRng, type Rng } from '../../tuners/rng';
import { imageLength, type ImageShape, type ImageSplit, type LabelArray } from './dataset';

/** Seed salt so that the split's stream differs from other uses of the same user seed. */
const SPLIT_SALT = 0x5917;
const LIMIT_SALT = 0x1171;

/** Shuffles `values` in place (Fisher-Yates) with `rng`. */
export function shuffleInPlace<T>(values: { length: number; [index: number]: T }, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

/** Indices of a train/validation split, each sorted ascending (so memory is read in order). */
export interface SplitIndices {
  train: Uint32Array;
  val: Uint32Array;
}

/**
 * Splits sample indices into train and validation, stratified: from each class,
 * round(count * valFraction) samples chosen by a seeded shuffle go to validation, so class
 * proportions match. Called when a dataset ships no validation set. Throws RangeError when
 * valFraction is outside [0, 1).
 */
export function splitIndices(labels: LabelArray, numClasses: number, valFraction: number, seed: number): SplitIndices {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`valFraction must be in [0, 1), got ${valFraction}`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const rng = createRng(seed, SPLIT_SALT);
  const val: number[] = [];
  const train: number[] = [];
  for (const members of byClass) {
    shuffleInPlace(members, rng);
    const k = Math.round(members.length * valFraction);
    for (let i = 0; i < members.length; i++) (i < k ? val : train).push(members[i]);
  }
  return { train: Uint32Array.from(train).sort(), val: Uint32Array.from(val).sort() };
}

/**
 * Chooses `limit` of `n` indices uniformly at random (seeded), sorted ascending; all of them when
 * limit >= n. Used for `limit` options (quick runs on part of a dataset).
 */
export function limitIndices(n: number, limit: number, seed: number): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (limit >= n) return all;
  shuffleInPlace(all, createRng(seed, LIMIT_SALT, n));
  return all.slice(0, Math.max(0, Math.floor(limit))).sort();
}

/** Copies the samples at `indices` (in that order) of `split` into a new split. */
export function takeSamples(split: ImageSplit, shape: ImageShape, indices: Uint32Array): ImageSplit {
  const len = imageLength(shape);
  const images = new Uint8Array(indices.length * len);
  const labels = split.labels instanceof Uint16Array ? new Uint16Array(indices.length) : new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    images.set(split.images.subarray(j * len, (j + 1) * len), i * len);
    labels[i] = split.labels[j];
  }
  return { size: indices.length, images, labels };
}

/** Applies a seeded size limit to a split; returns the split itself when no limit applies. */
export function limitSplit(split: ImageSplit, shape: ImageShape, limit: number | undefined, seed: number): ImageSplit {
  if (limit === undefined || limit >= split.size) return split;
  return takeSamples(split, shape, limitIndices(split.size, limit, seed));
}
