/**
 * Turns a split into an async stream of float batches per epoch: seeded shuffling (a new order
 * every epoch), normalization, seeded augmentation, and prefetch. Prefetch: when batch k is handed
 * to the consumer, batch k+1 is already scheduled with setImmediate, so it is produced while the
 * consumer awaits its own work (a training step, a tensor download) instead of after it.
 */
import { createRng, type Rng } from '../../tuners/rng';
import { drawAugmentParams, type AugmentOptions } from './augment';
import { imageLength, type Batch, type ImageShape, type ImageSplit } from './dataset';
import { normalizationTable, scaleOnlyTable, type ChannelStats } from './normalize';
import { writeSample } from './sample-writer';
import { shuffleInPlace } from './split';

/** Options of a Batcher. */
export interface BatcherOptions {
  batchSize: number;
  /** Shuffle each epoch (default true); the order of epoch e depends only on (seed, e). */
  shuffle?: boolean;
  /** Seed of shuffling and augmentation (default 0). */
  seed?: number;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Per-channel statistics; null or absent: pixels are only scaled to [0, 1]. */
  normalization?: ChannelStats | null;
  /** Augmentation (training only); null or absent: none. */
  augment?: AugmentOptions | null;
  /** Called synchronously each time a batch has been produced (before it is handed out). */
  onPrepared?: (info: { epoch: number; index: number }) => void;
}

const AUGMENT_SALT = 0xa06;

/**
 * Produces batches of one split. Construct once per split; call `epoch(e)` for each epoch. Several
 * epochs may be iterated concurrently (each keeps its own state). The split is not copied and must
 * not change while batches are produced.
 */
export class Batcher {
  private readonly table: Float32Array;
  private readonly batchSize: number;
  private readonly seed: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private readonly augment: AugmentOptions | null;
  private readonly onPrepared: ((info: { epoch: number; index: number }) => void) | undefined;

  /**
   * Checks the options; throws RangeError when batchSize is not a positive integer or the
   * normalization statistics do not match the channel count.
   */
  constructor(
    private readonly split: ImageSplit,
    private readonly shape: ImageShape,
    options: BatcherOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    if (split.images.length !== split.size * imageLength(shape) || split.labels.length !== split.size) {
      throw new RangeError(
        `split of ${split.size} samples has ${split.images.length} image values and ${split.labels.length} labels; ` +
          `expected ${split.size * imageLength(shape)} values for shape [${shape.join(', ')}]`,
      );
    }
    this.batchSize = options.batchSize;
    this.seed = options.seed ?? 0;
    this.shuffle = options.shuffle ?? true;
    this.dropLast = options.dropLast ?? false;
    this.augment = options.augment ?? null;
    if (this.augment !== null && (!Number.isInteger(this.augment.pad) || this.augment.pad < 0)) {
      throw new RangeError(`augment.pad must be a non-negative integer, got ${this.augment.pad}`);
    }
    this.onPrepared = options.onPrepared;
    this.table = options.normalization ? normalizationTable(options.normalization, shape[2]) : scaleOnlyTable(shape[2]);
  }

  /** Number of batches one epoch yields. */
  get batchesPerEpoch(): number {
    const full = Math.floor(this.split.size / this.batchSize);
    return this.dropLast || this.split.size % this.batchSize === 0 ? full : full + 1;
  }

  /** The sample order of epoch `epoch` (a permutation of 0..size-1; identity without shuffle). */
  order(epoch: number): Uint32Array {
    const order = new Uint32Array(this.split.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffle) shuffleInPlace(order, createRng(this.seed, epoch));
    return order;
  }

  /**
   * The batches of epoch `epoch`, in order, each produced one macrotask ahead of consumption.
   * Deterministic for (seed, epoch). Errors in production surface from the iterator's next().
   */
  async *epoch(epoch: number): AsyncGenerator<Batch, void, undefined> {
    const order = this.order(epoch);
    const rng = createRng(this.seed, epoch, AUGMENT_SALT);
    const count = this.batchesPerEpoch;
    if (count === 0) return;
    let pending = this.schedule(order, rng, epoch, 0);
    for (let k = 0; k < count; k++) {
      const batch = await pending;
      if (k + 1 < count) pending = this.schedule(order, rng, epoch, k + 1);
      yield batch;
    }
  }

  /** Produces batch `index` of an epoch in a later macrotask. */
  private schedule(order: Uint32Array, rng: Rng, epoch: number, index: number): Promise<Batch> {
    const p = new Promise<Batch>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.produce(order, rng, epoch, index));
        } catch (err) {
          reject(err);
        }
      });
    });
    // The consumer may stop early; a failure of an abandoned prefetch must not crash the process.
    p.catch(() => undefined);
    return p;
  }

  /** Builds batch `index` synchronously. Batches of an epoch are produced in order (rng draws). */
  private produce(order: Uint32Array, rng: Rng, epoch: number, index: number): Batch {
    const start = index * this.batchSize;
    const size = Math.min(this.batchSize, order.length - start);
    const len = imageLength(this.shape);
    const x = new Float32Array(size * len);
    const y = new Int32Array(size);
    const pad = this.augment?.pad ?? 0;
    for (let i = 0; i < size; i++) {
      const sample = order[start + i];
      const params = this.augment ? drawAugmentParams(rng, this.augment) : null;
      writeSample(this.split.images, sample, this.shape, this.table, pad, params, x, i * len);
      y[i] = this.split.labels[sample];
    }
    this.onPrepared?.({ epoch, index });
    return { x, y, size };
  }
}
