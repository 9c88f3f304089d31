/**
 * The in-memory shape of an image classification dataset, independent of TensorFlow.js: images
 * stay as uint8 NHWC typed arrays until the batcher turns them into normalized float batches,
 * and the training loop converts those batches to tensors.
 */

/** Image shape as [height, width, channels]. */
export type ImageShape = readonly [number, number, number];

/** Class labels of one split: one entry per image, each in [0, numClasses). */
export type LabelArray = Uint8Array | Uint16Array;

/**
 * One split (train, val or test) of a dataset. `images` holds `size` images back to back in
 * NHWC order, uint8 (0..255); `images.length === size * H * W * C` and `labels.length === size`.
 */
export interface ImageSplit {
  size: number;
  images: Uint8Array;
  labels: LabelArray;
}

/**
 * A loaded dataset. `train` is what a supernet trains on, `val` what architectures are ranked on
 * (split off the official training set unless the dataset ships its own), `test` the official
 * held-out set when there is one.
 */
export interface ImageDataset {
  name: string;
  numClasses: number;
  shape: ImageShape;
  train: ImageSplit;
  val: ImageSplit;
  test?: ImageSplit;
  /** Human-readable class names in label order, when the source has them (folder names). */
  classNames?: string[];
}

/**
 * What a loader reads from disk before the validation split: the official splits. `val` is set
 * only when the source ships its own validation set (an ImageNet-style `val/` folder).
 */
export interface SourceDataset {
  name: string;
  numClasses: number;
  shape: ImageShape;
  train: ImageSplit;
  val?: ImageSplit;
  test?: ImageSplit;
  classNames?: string[];
}

/**
 * One batch as produced by the batcher: `x` holds `size` normalized images NHWC (float32),
 * `y` their integer labels. The batch owns its arrays: the consumer may keep or hand them on.
 */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  size: number;
}

/** Number of values in one image of `shape`. */
export function imageLength(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}
