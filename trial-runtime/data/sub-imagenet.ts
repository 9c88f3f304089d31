/**
 * Cream of the Crop's sub-ImageNet recipe (microsoft/Cream, tools/generate_subImageNet.py): a
 * 100-class subset of ImageNet's training set with 250 training and 50 validation images per
 * class, about 50 times smaller than ImageNet, used to search architectures quickly. Here the
 * choice is deterministic for a seed: classes come from a class-list file (or the sorted class
 * folders), and each class's sorted image list is shuffled with a seeded RNG, the first 250 going
 * to train and the next 50 to val. The result is a manifest: file lists that the image-folder
 * loader reads directly, without copying images.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRng } from '../../tuners/rng';
import { DatasetError } from './dataset-error';
import { listClassFolders, listImages, type LabeledFile } from './image-folder';
import { shuffleInPlace } from './split';

/** Options of the recipe; defaults are Cream's numbers. */
export interface SubImageNetOptions {
  /** ImageNet folder holding `train/<class>/`. */
  source: string;
  /** Text file with one class folder name (wnid) per line; default: all classes under train/. */
  classListFile?: string;
  numClasses?: number;
  trainPerClass?: number;
  valPerClass?: number;
  seed?: number;
}

/** The chosen subset. Files are relative to `source` (e.g. `train/n01440764/x.JPEG`). */
export interface SubImageNetManifest {
  recipe: 'cream-subimagenet';
  source: string;
  seed: number;
  classes: string[];
  train: LabeledFile[];
  val: LabeledFile[];
}

/**
 * The pure part: picks `numClasses` of `candidates` (all when they are exactly that many, else a
 * seeded sample, kept in sorted order) and, per class, `trainPerClass + valPerClass` images of
 * its sorted list by a seeded shuffle. `imagesOf` returns a class's image names. Throws
 * DatasetError when there are too few classes or images (naming `where`).
 */
export function selectSubImageNet(
  candidates: string[],
  imagesOf: (cls: string) => string[],
  options: Required<Omit<SubImageNetOptions, 'classListFile'>>,
  where: string,
): SubImageNetManifest {
  const { numClasses, trainPerClass, valPerClass, seed } = options;
  const unique = [...new Set(candidates)].sort();
  if (unique.length < numClasses) {
    throw new DatasetError(where, `${where}: ${unique.length} classes available, the recipe needs ${numClasses}; list more classes or lower numClasses`);
  }
  let classes = unique;
  if (unique.length > numClasses) {
    const order = unique.slice();
    shuffleInPlace(order, createRng(seed, 0xc1a55));
    classes = order.slice(0, numClasses).sort();
  }
  const train: LabeledFile[] = [];
  const val: LabeledFile[] = [];
  classes.forEach((cls, label) => {
    const images = imagesOf(cls).slice().sort();
    const need = trainPerClass + valPerClass;
    if (images.length < need) {
      throw new DatasetError(
        join(where, cls),
        `${join(where, cls)}: ${images.length} images, the recipe needs ${need} (${trainPerClass} train + ${valPerClass} val) per class`,
      );
    }
    shuffleInPlace(images, createRng(seed, label, 0x1a9e5));
    images.slice(0, trainPerClass).sort().forEach((name) => train.push({ file: join('train', cls, name), label }));
    images.slice(trainPerClass, need).sort().forEach((name) => val.push({ file: join('train', cls, name), label }));
  });
  return { recipe: 'cream-subimagenet', source: options.source, seed, classes, train, val };
}

/** Reads a class-list file: one class per line; blank lines and `#` comments ignored. */
export function readClassList(file: string): string[] {
  if (!existsSync(file)) throw new DatasetError(file, `class-list file ${file} does not exist; give one class folder name (wnid) per line`);
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.length > 0);
}

/**
 * Applies the recipe to an ImageNet folder on disk (lists folders, no image is read). Throws
 * DatasetError when the source, its train/ folder, a listed class or enough images are missing.
 */
export function chooseSubImageNet(options: SubImageNetOptions): SubImageNetManifest {
  const source = resolve(options.source);
  const trainDir = join(source, 'train');
  const available = listClassFolders(trainDir);
  let candidates = available;
  if (options.classListFile !== undefined) {
    candidates = readClassList(options.classListFile);
    const have = new Set(available);
    const missing = candidates.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new DatasetError(join(trainDir, missing[0]), `class ${missing[0]} from ${options.classListFile} has no folder ${join(trainDir, missing[0])} (${missing.length} missing in all)`);
    }
  }
  return selectSubImageNet(
    candidates,
    (cls) => listImages(join(trainDir, cls)),
    {
      source,
      numClasses: options.numClasses ?? 100,
      trainPerClass: options.trainPerClass ?? 250,
      valPerClass: options.valPerClass ?? 50,
      seed: options.seed ?? 0,
    },
    trainDir,
  );
}

/** CLI-usable: applies the recipe and writes the manifest as JSON to `outFile`; returns it. */
export function writeSubImageNetManifest(options: SubImageNetOptions, outFile: string): SubImageNetManifest {
  const manifest = chooseSubImageNet(options);
  writeFileSync(outFile, JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/**
 * Reads and checks a manifest written by writeSubImageNetManifest. Throws DatasetError naming the
 * file when it is missing or not a sub-ImageNet manifest.
 */
export function readSubImageNetManifest(file: string): SubImageNetManifest {
  if (!existsSync(file)) throw new DatasetError(file, `manifest ${file} does not exist; write one with writeSubImageNetManifest`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DatasetError(file, `${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const m = parsed as Partial<SubImageNetManifest>;
  const okList = (l: unknown): boolean =>
    Array.isArray(l) && l.every((e: unknown) => typeof e === 'object' && e !== null && typeof (e as LabeledFile).file === 'string' && Number.isInteger((e as LabeledFile).label));
  if (m.recipe !== 'cream-subimagenet' || typeof m.source !== 'string' || !Array.isArray(m.classes) || !okList(m.train) || !okList(m.val)) {
    throw new DatasetError(file, `${file}: not a sub-ImageNet manifest (needs recipe "cream-subimagenet", source, classes, train and val file lists)`);
  }
  return m as SubImageNetManifest;
}
