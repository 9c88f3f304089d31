import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../tuners/rng';
import type { MetricValue } from '../protocol/messages';
import { Batcher } from '../data/batcher';
import type { AugmentOptions } from '../data/augment';
import type { ImageShape, ImageSplit } from '../data/dataset';
import type { ChannelStats } from '../data/normalize';
import type { Supernet } from '../supernets/supernet';
import { evaluateSplit } from '../evaluate/split-accuracy';
import { recalibrateArch } from '../evaluate/recalibrate';
import { saveCheckpoint, type LoadedCheckpoint } from './checkpoint';
import { CheckpointError } from './checkpoint-error';
import { smoothedCrossEntropy } from './loss';
import { learningRateAt, type LrScheduleKind, type LrScheduleOptions } from './lr-schedule';
import { UniformPathSampler, type PathSampler } from './path-sampler';
import { silentProgress, type ProgressSink } from './progress';
import { Sgd, type ParamGrad } from './sgd';
import type { StepContext, TrainingStrategy } from './training-strategy';

/** Salts of the per-step / per-epoch RNG streams (createRng(seed, salt, epoch, step)). */
const SAMPLE_SALT = 0x5a3;
const VAL_SALT = 0x7a1;

/** Where metrics go: the trial SDK (under nasctl it reaches the daemon; standalone it prints). */
export interface MetricSink {
  reportIntermediate(value: MetricValue): void;
  reportFinal(value: MetricValue): void;
}

/** Options of {@link SupernetTrainer}. */
export interface TrainerOptions {
  epochs: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Default 'linear' (SPOS: per iteration). */
  lrSchedule?: LrScheduleKind;
  warmupEpochs?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** Label smoothing ε (SPOS: 0.1). */
  labelSmoothing?: number;
  /** Seed of data order, augmentation, path sampling and validation paths. */
  seed: number;
  /** Path sampler (default uniform single path). */
  sampler?: PathSampler;
  /** Training strategy beyond plain SPOS (Cream, CLOSE); its hooks see every step. */
  strategy?: TrainingStrategy;
  /** Architectures validated after each epoch; default `validationPaths` uniform random paths. */
  validationArchs?: (epoch: number) => number[][];
  /** Number of random validation paths per epoch (default 3). */
  validationPaths?: number;
  /** Validation batches per path (default all). */
  validationBatches?: number;
  /**
   * Training batches used to recalibrate BN before validating each path (default 5; 0 = validate
   * with the running statistics, which mix all paths in a supernet and are meaningless there).
   * The running statistics are restored afterwards, so training is unaffected.
   */
  validationRecalBatches?: number;
  /** Cap on steps per epoch (quick runs and tests; default: the whole training split). */
  maxStepsPerEpoch?: number;
  augment?: AugmentOptions | null;
  normalization: ChannelStats | null;
  /** Checkpoint every `saveEvery` epochs (and after the last) into `checkpointDir`; 0 = never. */
  saveEvery?: number;
  checkpointDir?: string;
  /** Recorded in checkpoints; must match when resuming. */
  space: string;
  supernetOptions: Record<string, unknown>;
  backend: string;
  /** Extra data stored in each checkpoint manifest (dataset spec, normalization ...). */
  checkpointExtra?: Record<string, unknown>;
  metrics?: MetricSink;
  progress?: ProgressSink;
  log?: (line: string) => void;
}

/** Metrics of one epoch. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
  valLoss: number;
  lr: number;
  seconds: number;
}

/** Training data: the split to train on, the one to validate on, and the image shape. */
export interface TrainerData {
  train: ImageSplit;
  val: ImageSplit;
  shape: ImageShape;
}

/**
 * SPOS supernet training (ALGORITHMS.md §1.3): per step, sample a path with a per-step RNG
 * (`createRng(seed, salt, epoch, step)`, so there is no hidden RNG state to checkpoint), forward
 * in training mode, label-smoothed cross-entropy, gradients for that path's variables only, one
 * SGD step (unused blocks untouched), all in one tidy. After each epoch: validation accuracy of a
 * few random paths (each after a short BN recalibration, then the running statistics are put
 * back), intermediate metric, checkpoint every `saveEvery` epochs.
 * Resuming from a checkpoint continues bit-identically (weights, BN stats, momentum, schedule,
 * data order and path draws), provided the supernet's forward is deterministic (dropout 0: tfjs
 * dropout draws from an unseeded generator).
 */
export class SupernetTrainer {
  readonly sgd: Sgd;
  private readonly sampler: PathSampler;
  private readonly batcher: Batcher;
  private readonly stepsPerEpoch: number;
  private readonly schedule: LrScheduleOptions;
  private readonly nameOf = new Map<string, string>();
  private startEpoch = 0;
  private step = 0;
  /** Optimizer step at which the lr schedule last restarted (CLOSE's LR restart); 0 = never. */
  private lrRestartStep = 0;
  private lastMetrics: EpochMetrics | undefined;

  /** Builds the supernet. Throws RangeError for bad options (epochs, batch size, empty split). */
  constructor(
    private readonly net: Supernet,
    private readonly data: TrainerData,
    private readonly options: TrainerOptions,
  ) {
    if (!(Number.isInteger(options.epochs) && options.epochs > 0)) throw new RangeError(`epochs must be a positive integer, got ${options.epochs}`);
    this.sgd = new Sgd({ momentum: options.momentum, nesterov: options.nesterov, weightDecay: options.weightDecay });
    this.sampler = options.sampler ?? new UniformPathSampler(net.searchSpace());
    this.batcher = new Batcher(data.train, data.shape, { batchSize: options.batchSize, seed: options.seed, shuffle: true, dropLast: true, normalization: options.normalization, augment: options.augment ?? null });
    this.stepsPerEpoch = Math.min(this.batcher.batchesPerEpoch, options.maxStepsPerEpoch ?? Infinity);
    if (this.stepsPerEpoch === 0) throw new RangeError(`training split of ${data.train.size} samples gives no full batch of ${options.batchSize}`);
    const total = this.stepsPerEpoch * options.epochs;
    this.schedule = { kind: options.lrSchedule ?? 'linear', baseLr: options.lr, totalSteps: total, warmupSteps: Math.min(total - 1, Math.round((options.warmupEpochs ?? 0) * this.stepsPerEpoch)) };
    net.build();
    for (const [name, v] of net.root.namedWeights()) this.nameOf.set(v.name, name);
  }

  /** Steps per epoch after the cap. */
  get steps(): number {
    return this.stepsPerEpoch;
  }

  /**
   * Continues from a checkpoint whose weights were already restored (restoreWeights): loads the
   * momentum buffers and the epoch/step position. Throws CheckpointError when the optimizer state
   * names a variable the supernet lacks or has another shape, or the checkpoint is past `epochs`.
   */
  resumeFrom(ckpt: LoadedCheckpoint): void {
    const weights = this.net.root.namedWeights();
    for (const s of ckpt.optimizerState) {
      const v = weights.get(s.name);
      if (v === undefined || v.shape.join(',') !== s.shape.join(',')) {
        throw new CheckpointError(`${ckpt.dir}/optimizer.bin`, `momentum buffer '${s.name}' [${s.shape}] does not match the supernet`);
      }
    }
    if (ckpt.manifest.epoch > this.options.epochs) {
      throw new CheckpointError(`${ckpt.dir}/manifest.json`, `checkpoint is at epoch ${ckpt.manifest.epoch}, past --epochs ${this.options.epochs}`);
    }
    this.sgd.loadState(ckpt.optimizerState);
    this.startEpoch = ckpt.manifest.epoch;
    this.step = ckpt.manifest.step;
    const restart = ckpt.manifest.extra?.['lrRestartStep'];
    this.lrRestartStep = typeof restart === 'number' ? restart : 0;
    const saved = ckpt.manifest.extra?.['strategy'] as { name?: unknown; state?: unknown } | undefined;
    const strategy = this.options.strategy;
    if (strategy !== undefined && strategy.name !== 'uniform') {
      if (saved?.name !== strategy.name) {
        throw new CheckpointError(`${ckpt.dir}/manifest.json`, `checkpoint was trained with strategy '${String(saved?.name ?? 'uniform')}', not '${strategy.name}'; resume with the same strategy`);
      }
      if (saved.state !== undefined) strategy.restoreState?.(saved.state as Record<string, unknown>);
    }
  }

  /** One training step on batch `b` with path `arch`; returns [loss, correct]. Synchronous. */
  trainStep(x: Float32Array, y: Int32Array, size: number, arch: number[], lr: number, ctx: StepContext = { epoch: 0, step: 0, globalStep: this.step }): [number, number] {
    const s = this.data.shape;
    const strategy = this.options.strategy;
    const extra = strategy?.extraVariables?.(arch) ?? [];
    const vars = extra.length === 0 ? this.net.variablesForArch(arch) : [...this.net.variablesForArch(arch), ...extra];
    return tf.tidy(() => {
      const xs = tf.tensor4d(x, [size, s[0], s[1], s[2]]);
      const ys = tf.tensor1d(y, 'int32');
      let correct: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.net.forward(xs, arch, { training: true });
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'float32')) as tf.Scalar);
        const baseLoss = (): tf.Scalar => smoothedCrossEntropy(logits, ys, this.options.labelSmoothing ?? 0);
        return strategy?.loss ? strategy.loss({ xs, labels: ys, logits: logits as tf.Tensor2D, arch, baseLoss, ctx }) : baseLoss();
      }, vars);
      const params: ParamGrad[] = [];
      for (const v of vars) {
        const g = grads[v.name];
        if (g !== undefined) params.push({ name: this.nameOf.get(v.name) ?? v.name, variable: v, grad: g });
      }
      this.sgd.step(params, lr);
      const out: [number, number] = [value.dataSync()[0] as number, (correct as tf.Scalar).dataSync()[0] as number];
      (correct as tf.Scalar).dispose();
      return out;
    });
  }

  /**
   * Runs the remaining epochs up to `untilEpoch` (default: all; the schedule always spans all
   * `epochs`); resolves with each epoch's metrics. Reports the final metric when the last epoch
   * is done. Throws on divergence (non-finite loss) and I/O errors of checkpoints.
   */
  async run(untilEpoch = this.options.epochs): Promise<EpochMetrics[]> {
    const o = this.options;
    const stop = Math.min(untilEpoch, o.epochs);
    const progress = o.progress ?? silentProgress;
    const strategy = o.strategy;
    const all: EpochMetrics[] = [];
    for (let epoch = this.startEpoch; epoch < stop; epoch++) {
      const t0 = Date.now();
      if (strategy?.beginEpoch?.(epoch)?.restartLr === true && this.step > 0) {
        this.lrRestartStep = this.step;
        this.sgd.loadState([]);
        o.log?.(`epoch ${epoch + 1}: learning-rate schedule restarted at step ${this.step}`);
      }
      progress.start(`epoch ${epoch + 1}/${o.epochs}`, this.stepsPerEpoch);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let k = 0;
      let lr = 0;
      for await (const b of this.batcher.epoch(epoch)) {
        if (k >= this.stepsPerEpoch) break;
        const ctx: StepContext = { epoch, step: k, globalStep: this.step };
        const rng = createRng(o.seed, SAMPLE_SALT, epoch, k);
        const arch = strategy?.samplePath?.(rng, ctx) ?? this.sampler.sample(rng);
        lr = this.learningRate();
        const [loss, c] = this.trainStep(b.x, b.y, b.size, arch, lr, ctx);
        if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch + 1} step ${k + 1} (loss ${loss}); lower --lr`);
        strategy?.afterStep?.({ arch, loss, correct: c, size: b.size, x: b.x, y: b.y, lr, ctx });
        lossSum += loss * b.size;
        correct += c;
        seen += b.size;
        this.step++;
        k++;
        progress.update(k, lossSum / seen, correct / seen);
      }
      const val = await this.validate(epoch);
      strategy?.endEpoch?.(epoch + 1, lossSum / seen);
      const m: EpochMetrics = { epoch: epoch + 1, trainLoss: lossSum / seen, trainAccuracy: correct / seen, valAccuracy: val.accuracy, valLoss: val.loss, lr, seconds: (Date.now() - t0) / 1000 };
      all.push(m);
      this.lastMetrics = m;
      progress.end(`epoch ${m.epoch}/${o.epochs}: train loss ${m.trainLoss.toFixed(4)} acc ${m.trainAccuracy.toFixed(4)}, val acc ${m.valAccuracy.toFixed(4)} (${m.seconds.toFixed(1)} s)`);
      o.metrics?.reportIntermediate(metricValue(m));
      const every = o.saveEvery ?? 0;
      if (o.checkpointDir !== undefined && every > 0 && (m.epoch % every === 0 || m.epoch === o.epochs)) {
        const dir = this.save(o.checkpointDir);
        o.log?.(`checkpoint: ${dir}`);
      }
    }
    this.startEpoch = Math.max(this.startEpoch, stop);
    if (this.lastMetrics && stop === o.epochs) o.metrics?.reportFinal(metricValue(this.lastMetrics));
    return all;
  }

  /** Writes `<root>/epoch_NNN` and `<root>/latest` for the current position; returns the epoch folder. */
  save(root: string): string {
    const o = this.options;
    const m = this.lastMetrics;
    return saveCheckpoint(
      root,
      {
        space: o.space,
        supernetOptions: o.supernetOptions,
        epoch: m?.epoch ?? this.startEpoch,
        step: this.step,
        metrics: m ? { train_loss: m.trainLoss, train_acc: m.trainAccuracy, val_acc: m.valAccuracy, val_loss: m.valLoss, lr: m.lr } : {},
        backend: o.backend,
        rng: { seed: o.seed, scheme: 'per-step' },
        lrSchedule: this.schedule,
        extra: {
          ...(o.checkpointExtra ?? {}), normalization: o.normalization, batchSize: o.batchSize, epochs: o.epochs, stepsPerEpoch: this.stepsPerEpoch,
          lrRestartStep: this.lrRestartStep,
          strategy: { name: o.strategy?.name ?? 'uniform', state: o.strategy?.checkpointState?.() },
        },
      },
      this.net.root.namedWeights(),
      this.sgd,
    );
  }

  /** Learning rate of the step about to run: the schedule, restarted at {@link lrRestartStep} when CLOSE asked. */
  private learningRate(): number {
    if (this.lrRestartStep === 0) return learningRateAt(this.schedule, this.step);
    const remaining = Math.max(1, this.schedule.totalSteps - this.lrRestartStep);
    return learningRateAt({ ...this.schedule, totalSteps: remaining, warmupSteps: 0 }, this.step - this.lrRestartStep);
  }

  private async validate(epoch: number): Promise<{ accuracy: number; loss: number }> {
    const o = this.options;
    const archs = o.validationArchs
      ? o.validationArchs(epoch)
      : (() => {
          const rng = createRng(o.seed, VAL_SALT, epoch);
          const u = new UniformPathSampler(this.net.searchSpace());
          return Array.from({ length: o.validationPaths ?? 3 }, () => u.sample(rng));
        })();
    let acc = 0;
    let loss = 0;
    const recal = o.validationRecalBatches ?? 5;
    const stats = recal > 0 ? this.net.root.allVariables().filter((v) => !v.trainable).map((v) => ({ v, copy: tf.keep(v.clone()) })) : [];
    try {
      for (const arch of archs) {
        if (recal > 0) await recalibrateArch(this.net, arch, this.data.train, this.data.shape, { batches: recal, batchSize: o.batchSize, normalization: o.normalization, seed: o.seed + epoch });
        const r = await evaluateSplit(this.net, arch, this.data.val, this.data.shape, { batchSize: Math.max(o.batchSize, 100), maxBatches: o.validationBatches, normalization: o.normalization });
        acc += r.accuracy;
        loss += r.loss;
      }
    } finally {
      for (const s of stats) {
        s.v.assign(s.copy);
        s.copy.dispose();
      }
    }
    return archs.length === 0 ? { accuracy: 0, loss: 0 } : { accuracy: acc / archs.length, loss: loss / archs.length };
  }

  /** Disposes the optimizer state (the supernet belongs to the caller). */
  dispose(): void {
    this.sgd.dispose();
  }
}

/** The metric reported per epoch: default = validation accuracy. */
export function metricValue(m: EpochMetrics): MetricValue {
  return { default: m.valAccuracy, train_loss: m.trainLoss, train_acc: m.trainAccuracy, val_loss: m.valLoss, epoch: m.epoch, lr: m.lr };
}
