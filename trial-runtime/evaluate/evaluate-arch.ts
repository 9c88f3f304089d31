import { randomUUID } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '../data/dataset';
import { loadDataset, type DatasetSpec } from '../data/load-dataset';
import { computeChannelStats, type ChannelStats } from '../data/normalize';
import { createSupernet, type SupernetOptions } from '../supernets/registry';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { readCheckpoint, restoreWeights, type LoadedCheckpoint } from '../train/checkpoint';
import { CheckpointError } from '../train/checkpoint-error';
import { recalibrateArch, type BnRecalibrationMode } from './recalibrate';
import { evaluateSplit } from './split-accuracy';

/** Options of an {@link ArchEvaluator}. */
export interface ArchEvaluatorOptions {
  /** Recalibration batches (SPOS: 200) of `recalBatchSize` (SPOS: 128) training images. */
  recalBatches: number;
  recalBatchSize: number;
  /** Validation batch size and count (default: the whole validation split). */
  valBatchSize: number;
  valBatches?: number;
  bnMode?: BnRecalibrationMode;
  /** Seed of the recalibration images and validation order (default 0). */
  seed?: number;
  /** Skip the accuracy before recalibration (saves one validation pass). */
  skipBefore?: boolean;
}

/** Result of evaluating one architecture against the checkpoint. */
export interface ArchEvalResult {
  arch: number[];
  /** Validation top-1 (fraction) with the checkpoint's BN statistics; NaN when skipped. */
  accuracyBefore: number;
  lossBefore: number;
  /** After BN recalibration. */
  accuracy: number;
  loss: number;
  flops: number;
  params: number;
  recalImages: number;
  valImages: number;
  seconds: number;
}

/** Where the evaluator's data comes from; by default the dataset recorded in the checkpoint. */
export interface EvaluatorDataOptions {
  /** Overrides fields of the checkpoint's dataset spec (e.g. root on another machine, limits). */
  dataset?: Partial<DatasetSpec>;
  /** Use this already-loaded dataset instead (tests, several checkpoints on one dataset). */
  loaded?: ImageDataset;
}

/**
 * Evaluates architectures against one supernet checkpoint (SPOS tester, ALGORITHMS.md §1.4):
 * the checkpoint is loaded once; for each architecture the checkpoint's BN statistics are
 * restored, validation accuracy is measured (before), BN is recalibrated on training batches and
 * validation accuracy and loss are measured again (after). Used by the eval-arch trial (spawn and
 * reuse mode) and `nasctl eval-arch`. One evaluation at a time.
 */
export class ArchEvaluator {
  private readonly bnSnapshot: { v: tf.Variable; values: Float32Array; shape: number[] }[];

  private constructor(
    readonly net: Supernet,
    readonly checkpoint: LoadedCheckpoint,
    readonly data: ImageDataset,
    readonly normalization: ChannelStats | null,
    private readonly options: ArchEvaluatorOptions,
  ) {
    const weights = net.root.namedWeights();
    this.bnSnapshot = [...weights].filter(([, v]) => !v.trainable).map(([name, v]) => {
      const t = checkpoint.weights.get(name) as { values: Float32Array; shape: number[] };
      return { v, values: t.values, shape: t.shape };
    });
  }

  /**
   * Reads the checkpoint folder (or training folder via latest/), builds its supernet with the
   * recorded space and options, restores the weights and loads the recorded dataset. Throws
   * CheckpointError (missing, corrupt, mismatched), DatasetError, ConfigError.
   */
  static async open(checkpointPath: string, options: ArchEvaluatorOptions, data: EvaluatorDataOptions = {}): Promise<ArchEvaluator> {
    const ckpt = readCheckpoint(checkpointPath);
    const m = ckpt.manifest;
    let net: Supernet;
    try {
      // A unique engine scope: several checkpoints may be open in one process.
      net = createSupernet(m.space, { ...(m.supernetOptions as SupernetOptions), scope: `ckpt-${randomUUID().slice(0, 8)}` });
    } catch (cause) {
      throw new CheckpointError(`${ckpt.dir}/manifest.json`, `cannot build supernet '${m.space}' with the recorded options: ${(cause as Error).message}`, { cause });
    }
    try {
      net.build();
      restoreWeights(ckpt, net.root.namedWeights(), { space: m.space, supernetOptions: m.supernetOptions });
      const recorded = m.extra['dataset'] as DatasetSpec | undefined;
      let ds = data.loaded;
      if (ds === undefined) {
        if (recorded === undefined && data.dataset?.name === undefined) {
          throw new CheckpointError(`${ckpt.dir}/manifest.json`, 'records no dataset; pass --dataset');
        }
        ds = await loadDataset({ ...(recorded ?? {}), ...data.dataset } as DatasetSpec);
      }
      const [h, w, c] = net.inputShape;
      if (ds.shape[0] !== h || ds.shape[1] !== w || ds.shape[2] !== c) {
        throw new CheckpointError(`${ckpt.dir}/manifest.json`, `supernet takes ${h}x${w}x${c} images but dataset ${ds.name} has ${ds.shape.join('x')}`);
      }
      const recordedNorm = m.extra['normalization'] as ChannelStats | null | undefined;
      const normalization = recordedNorm === undefined ? computeChannelStats(ds.train, ds.shape) : recordedNorm;
      return new ArchEvaluator(net, ckpt, ds, normalization, options);
    } catch (err) {
      net.dispose();
      throw err;
    }
  }

  /** Puts the checkpoint's BN running statistics back (each evaluation starts from them). */
  private restoreBnStats(): void {
    tf.tidy(() => {
      for (const s of this.bnSnapshot) s.v.assign(tf.tensor(s.values, s.shape, 'float32'));
    });
  }

  /**
   * Evaluates one architecture (any ArchInput the supernet accepts). `onBefore` is called with
   * the accuracy before recalibration as soon as it is known (the trial reports it at once).
   * Throws the supernet's ConfigError for an architecture outside the space.
   */
  async evaluate(arch: ArchInput, onBefore?: (accuracy: number) => void): Promise<ArchEvalResult> {
    const t0 = Date.now();
    const idx = this.net.parseArch(arch);
    const cost = this.net.cost(idx);
    const o = this.options;
    const evalOpts = { batchSize: o.valBatchSize, maxBatches: o.valBatches, normalization: this.normalization, seed: o.seed ?? 0 };
    this.restoreBnStats();
    let before = { accuracy: NaN, loss: NaN };
    if (!o.skipBefore) {
      before = await evaluateSplit(this.net, idx, this.data.val, this.data.shape, evalOpts);
      onBefore?.(before.accuracy);
    }
    const recalImages = await recalibrateArch(this.net, idx, this.data.train, this.data.shape, {
      batches: o.recalBatches, batchSize: o.recalBatchSize, normalization: this.normalization, seed: o.seed ?? 0, mode: o.bnMode ?? 'exact',
    });
    const after = await evaluateSplit(this.net, idx, this.data.val, this.data.shape, evalOpts);
    return {
      arch: idx, accuracyBefore: before.accuracy, lossBefore: before.loss, accuracy: after.accuracy, loss: after.loss,
      flops: cost.flops, params: cost.params, recalImages, valImages: after.samples, seconds: (Date.now() - t0) / 1000,
    };
  }

  /** Disposes the supernet's weights. */
  dispose(): void {
    this.net.dispose();
  }
}
