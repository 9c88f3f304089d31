/**
 * ImageNet-style folders: `<root>/train/<class>/*.jpg|*.jpeg|*.png`, `<root>/val/<class>/...`
 * and optionally `<root>/test/<class>/...`. Labels follow the sorted class folder names of
 * `train/`. Images are decoded (jpeg-js / pngjs) and brought to `imageSize` x `imageSize`:
 * training images by resizing the shorter side to imageSize and center-cropping (random crops
 * come later from the batcher's augmentation), evaluation images by resizing the shorter side to
 * imageSize / 0.875 and center-cropping (the usual 256 -> 224).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from './dataset-error';
import type { ImageSplit } from './dataset';
import { decodeImage } from './image-codec';
import { resizeAndCenterCrop } from './resize';

/** One image file and its label. `file` is an absolute path or relative to the dataset root. */
export interface LabeledFile {
  file: string;
  label: number;
}

/** The standard ratio of evaluation crops (224 of 256). */
export const EVAL_CROP_RATIO = 0.875;

const IMAGE_EXT = /\.(jpe?g|png)$/i;

/** Sorted names of the sub-folders of `dir` (the classes). Throws DatasetError when `dir` is missing. */
export function listClassFolders(dir: string): string[] {
  if (!existsSync(dir)) {
    throw new DatasetError(dir, `missing ${dir}; expected one sub-folder per class holding .jpg/.jpeg/.png images (ImageNet layout: train/<class>/*.JPEG)`);
  }
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** Sorted image file names (.jpg, .jpeg, .png, any case) directly inside `dir`. */
export function listImages(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => IMAGE_EXT.test(name))
    .sort();
}

/**
 * Lists `<dir>/<class>/<image>` for the given class order (labels = index in `classes`). Classes
 * of `dir` not in `classes` are an error (they would have no label); classes missing from `dir`
 * simply contribute no files. Throws DatasetError naming `dir` or the unexpected class folder.
 */
export function listLabeledFiles(dir: string, classes: string[]): LabeledFile[] {
  const index = new Map(classes.map((c, i) => [c, i]));
  const out: LabeledFile[] = [];
  for (const cls of listClassFolders(dir)) {
    const label = index.get(cls);
    if (label === undefined) {
      throw new DatasetError(join(dir, cls), `class folder ${join(dir, cls)} does not exist under train/; every split must use the training classes`);
    }
    for (const name of listImages(join(dir, cls))) out.push({ file: join(dir, cls, name), label });
  }
  return out;
}

/**
 * Decodes and resizes the listed files into one split of `imageSize` x `imageSize` x 3. `cropRatio`
 * 1 for training images, EVAL_CROP_RATIO for evaluation. The next file is read while the current
 * one decodes. Throws DatasetError naming a file that cannot be read or decoded.
 */
export async function decodeLabeledFiles(
  files: LabeledFile[],
  imageSize: number,
  cropRatio: number,
  numClasses: number,
): Promise<ImageSplit> {
  const len = imageSize * imageSize * 3;
  const images = new Uint8Array(files.length * len);
  const labels = numClasses > 256 ? new Uint16Array(files.length) : new Uint8Array(files.length);
  const read = (i: number): Promise<Buffer> => {
    const p = readFile(files[i].file).catch((err: unknown) => {
      throw new DatasetError(files[i].file, `${files[i].file}: cannot read the image file`, { cause: err });
    });
    // Read ahead; if the current file fails to decode, this rejection must not crash the process.
    p.catch(() => undefined);
    return p;
  };
  let next = files.length > 0 ? read(0) : undefined;
  try {
    for (let i = 0; i < files.length; i++) {
      const buf = await (next as Promise<Buffer>);
      next = i + 1 < files.length ? read(i + 1) : undefined;
      const img = resizeAndCenterCrop(decodeImage(buf, files[i].file), imageSize, cropRatio);
      images.set(img.data, i * len);
      labels[i] = files[i].label;
    }
  } catch (error) {
    // Settle the read-ahead before failing, so nothing of this call is still running afterwards.
    await next?.catch(() => undefined);
    throw error;
  }
  return { size: files.length, images, labels };
}
