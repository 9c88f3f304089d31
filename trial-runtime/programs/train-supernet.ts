import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { ConfigError } from '../../daemon/errors';
import { selectBackend } from '../compute/select-backend';
import { loadDataset, type DatasetName, type DatasetSpec } from '../data/load-dataset';
import { computeChannelStats } from '../data/normalize';
import { TrialSdk } from '../sdk/trial-sdk';
import { createSupernet, type SupernetOptions } from '../supernets/registry';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { evaluateSplit } from '../evaluate/split-accuracy';
import { readCheckpoint, restoreWeights } from '../train/checkpoint';
import type { LrScheduleKind } from '../train/lr-schedule';
import { FixedPathSampler, FlopsBinPathSampler, UniformPathSampler, flopsFunction, type PathSampler } from '../train/path-sampler';
import { defaultProgress, type ProgressSink } from '../train/progress';
import { SupernetTrainer, type EpochMetrics, type MetricSink } from '../train/supernet-trainer';
import { createStrategy } from '../train/strategy-registry';
import type { OptionKind } from './option-values';
import { applyParameters } from './option-values';
import { formatOptionsUsage, parseProgramArgs, wantsHelp } from './parse-program-args';
import { runProgram } from './program-errors';
import { writeSearchSpaceIfRequested } from './ss-gen';

/** Options of the supernet-training trial (`--kebab-case` on the command line). */
export interface TrainSupernetOptions {
  space: string;
  /** Extra supernet options as JSON (e.g. {"widthMultiplier": 0.5}). */
  supernetOptions: SupernetOptions;
  dataset: DatasetName;
  dataRoot?: string;
  /** imagenet-folder: a sub-ImageNet manifest JSON (docs/datasets.md). */
  dataManifest?: string;
  /** imagenet-folder: side of the square images (default 224). */
  imageSize?: number;
  valFraction: number;
  trainLimit?: number;
  valLimit?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  lrSchedule: LrScheduleKind;
  warmupEpochs: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  labelSmoothing: number;
  /** 'uniform' (SPOS) or 'flops-bins' (SPOS/NNI FLOPs-balanced; needs flopsMin/flopsMax). */
  sampling: 'uniform' | 'flops-bins';
  flopsMin?: number;
  flopsMax?: number;
  flopsBins: number;
  /** Training strategy: 'uniform' (SPOS), or a registered one (trial-runtime/train/strategy-registry.ts). */
  strategy: string;
  /** Options of the strategy as JSON. */
  strategyOptions: Record<string, unknown>;
  saveEvery: number;
  checkpointDir: string;
  seed: number;
  /** A checkpoint folder to continue from, or 'auto' (checkpointDir/latest when it exists). */
  resume?: string;
  validationPaths: number;
  validationBatches?: number;
  maxStepsPerEpoch?: number;
  augmentPad: number;
  flip: boolean;
}

/** Defaults: the CPU quickstart's supernet on Fashion-MNIST. */
export const TRAIN_SUPERNET_DEFAULTS: TrainSupernetOptions = {
  space: 'spos-cpu',
  supernetOptions: {},
  dataset: 'fashion-mnist',
  valFraction: 0.1,
  epochs: 5,
  batchSize: 64,
  lr: 0.1,
  lrSchedule: 'linear',
  warmupEpochs: 0,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 4e-5,
  labelSmoothing: 0.1,
  sampling: 'uniform',
  flopsBins: 7,
  strategy: 'uniform',
  strategyOptions: {},
  saveEvery: 1,
  checkpointDir: 'checkpoints',
  seed: 0,
  validationPaths: 3,
  augmentPad: 2,
  flip: true,
};

/** Kind of every option (CLI parsing and nasctl parameter overrides). */
export const TRAIN_SUPERNET_KINDS: Readonly<Record<keyof TrainSupernetOptions, OptionKind>> = {
  space: 'string', supernetOptions: 'json', dataset: 'string', dataRoot: 'string', dataManifest: 'string', imageSize: 'integer', valFraction: 'number', trainLimit: 'integer', valLimit: 'integer',
  epochs: 'integer', batchSize: 'integer', lr: 'number', lrSchedule: 'string', warmupEpochs: 'number', momentum: 'number', nesterov: 'boolean',
  weightDecay: 'number', labelSmoothing: 'number', sampling: 'string', flopsMin: 'number', flopsMax: 'number', flopsBins: 'integer',
  strategy: 'string', strategyOptions: 'json', saveEvery: 'integer', checkpointDir: 'string', seed: 'integer', resume: 'string', validationPaths: 'integer', validationBatches: 'integer',
  maxStepsPerEpoch: 'integer', augmentPad: 'integer', flip: 'boolean',
};

/** Collaborators of {@link trainSupernet}; all optional. */
export interface TrainSupernetDeps {
  metrics?: MetricSink;
  progress?: ProgressSink;
  log?: (line: string) => void;
  /** Name of the active backend, recorded in checkpoints (default: tf.getBackend()). */
  backend?: string;
  /**
   * Train only this architecture (train-arch, SPOS step 3): every step and every validation uses
   * it. Resolved against the built supernet (any ArchInput it accepts).
   */
  fixedArch?: ArchInput;
}

/** Result of {@link trainSupernet}. */
export interface TrainSupernetResult {
  epochs: EpochMetrics[];
  checkpointDir: string;
  /** The fixed architecture's indices (train-arch only). */
  arch?: number[];
  /** Accuracy and loss on the test split (val when the dataset has none) of the fixed architecture (train-arch only). */
  test?: { accuracy: number; loss: number; split: 'test' | 'val' };
}

/** The dataset `limit` of `--train-limit` / `--val-limit`; undefined when neither is given. */
export function datasetLimit(o: { trainLimit?: number; valLimit?: number }): DatasetSpec['limit'] {
  if (o.trainLimit === undefined && o.valLimit === undefined) return undefined;
  return { ...(o.trainLimit !== undefined ? { train: o.trainLimit } : {}), ...(o.valLimit !== undefined ? { val: o.valLimit } : {}) };
}

/** The dataset spec of a training run (also stored in its checkpoints for evaluation). */
export function datasetSpecOf(o: Pick<TrainSupernetOptions, 'dataset' | 'dataRoot' | 'dataManifest' | 'imageSize' | 'valFraction' | 'seed' | 'trainLimit' | 'valLimit'>): DatasetSpec {
  const spec: DatasetSpec = { name: o.dataset, valFraction: o.valFraction, seed: o.seed };
  if (o.dataRoot !== undefined) spec.root = path.resolve(o.dataRoot);
  if (o.dataManifest !== undefined) spec.manifest = path.resolve(o.dataManifest);
  if (o.imageSize !== undefined) spec.imageSize = o.imageSize;
  const limit = datasetLimit(o);
  if (limit !== undefined) spec.limit = limit;
  return spec;
}

/** Spaces whose input size, channels and classes follow the dataset (the CLOSE variants of NB201/NDS/DARTS included). */
const DATASET_SHAPED_SPACES = /^(spos|spos-cpu|nds-.+|nb201(-.+)?|darts(-.+)?|cream|cream-cpu)$/;

/** The supernet options a program builds `space` with, given the dataset's shape and classes. */
export function supernetOptionsFor(space: string, extra: SupernetOptions, shape: readonly number[], numClasses: number): SupernetOptions {
  const base: SupernetOptions = DATASET_SHAPED_SPACES.test(space) ? { inputSize: shape[0], inChannels: shape[2], numClasses } : {};
  return { ...base, ...extra };
}

/**
 * Image shape and class count of a dataset known without reading it (for ss_gen dry mode);
 * image folders are assumed to have 1000 classes (only the classifier's cost depends on it).
 */
export function knownDatasetShape(name: string, imageSize?: number): { shape: [number, number, number]; numClasses: number } | undefined {
  switch (name) {
    case 'imagenet-folder':
      return { shape: [imageSize ?? 224, imageSize ?? 224, 3], numClasses: 1000 };
    case 'fashion-mnist':
    case 'mnist':
      return { shape: [28, 28, 1], numClasses: 10 };
    case 'cifar10':
      return { shape: [32, 32, 3], numClasses: 10 };
    case 'cifar100':
      return { shape: [32, 32, 3], numClasses: 100 };
    default:
      return undefined;
  }
}

/**
 * The supernet the options would train, built without reading the dataset (shape and classes from
 * {@link knownDatasetShape}): what ss_gen dry mode writes. Throws ConfigError for an unknown space
 * or bad options. Allocates no tensors.
 */
export function dryRunSupernet(o: Pick<TrainSupernetOptions, 'space' | 'supernetOptions' | 'dataset' | 'imageSize'>): Supernet {
  const known = knownDatasetShape(o.dataset, o.imageSize);
  return createSupernet(o.space, known ? supernetOptionsFor(o.space, o.supernetOptions, known.shape, known.numClasses) : o.supernetOptions);
}

/** Builds the path sampler the options ask for. Throws ConfigError for an unknown sampling or a missing window. */
export function makeSampler(net: Supernet, o: Pick<TrainSupernetOptions, 'sampling' | 'flopsMin' | 'flopsMax' | 'flopsBins'>): PathSampler {
  if (o.sampling === 'uniform') return new UniformPathSampler(net.searchSpace());
  if (o.sampling === 'flops-bins') {
    if (o.flopsMin === undefined || o.flopsMax === undefined) throw new ConfigError('--sampling', 'flops-bins needs --flops-min and --flops-max (MACs)');
    return new FlopsBinPathSampler(net.searchSpace(), flopsFunction(net), { minFlops: o.flopsMin, maxFlops: o.flopsMax, bins: o.flopsBins });
  }
  throw new ConfigError('--sampling', `unknown sampling '${String(o.sampling)}'; use uniform or flops-bins`);
}

/**
 * Trains a supernet (SPOS step 1) as the options say: loads the dataset, builds the supernet,
 * resumes when asked, trains with checkpoints. Assumes a tfjs backend is active. Throws
 * ConfigError for bad options, DatasetError for a missing dataset, CheckpointError for a bad
 * resume checkpoint.
 */
export async function trainSupernet(o: TrainSupernetOptions, deps: TrainSupernetDeps = {}): Promise<TrainSupernetResult> {
  const log = deps.log ?? ((l: string) => void process.stdout.write(l + '\n'));
  const spec = datasetSpecOf(o);
  const ds = await loadDataset(spec);
  const normalization = computeChannelStats(ds.train, ds.shape);
  const supernetOptions = supernetOptionsFor(o.space, o.supernetOptions, ds.shape, ds.numClasses);
  const net = createSupernet(o.space, { ...supernetOptions, seed: o.seed });
  const checkpointDir = path.resolve(o.checkpointDir);
  const arch = deps.fixedArch !== undefined ? net.parseArch(deps.fixedArch) : undefined;
  const strategy = arch === undefined ? createStrategy(o.strategy, { net, options: o.strategyOptions, epochs: o.epochs, seed: o.seed, checkpointDir, log }) : undefined;
  const trainer = new SupernetTrainer(net, { train: ds.train, val: ds.val, shape: ds.shape }, {
    epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, lrSchedule: o.lrSchedule, warmupEpochs: o.warmupEpochs, momentum: o.momentum,
    nesterov: o.nesterov, weightDecay: o.weightDecay, labelSmoothing: o.labelSmoothing, seed: o.seed, sampler: arch ? new FixedPathSampler(arch) : makeSampler(net, o), strategy,
    validationArchs: arch ? () => [arch] : undefined,
    validationPaths: o.validationPaths, validationBatches: o.validationBatches, maxStepsPerEpoch: o.maxStepsPerEpoch,
    augment: o.augmentPad > 0 || o.flip ? { pad: o.augmentPad, flip: o.flip } : null, normalization, saveEvery: o.saveEvery, checkpointDir,
    space: o.space, supernetOptions: supernetOptions as Record<string, unknown>, backend: deps.backend ?? tf.getBackend(),
    checkpointExtra: { dataset: spec, program: arch ? 'train-arch' : 'train-supernet', ...(arch ? { arch } : {}) }, metrics: deps.metrics, progress: deps.progress, log,
  });
  try {
    const resumeFrom = o.resume === 'auto' ? (fs.existsSync(path.join(checkpointDir, 'latest', 'manifest.json')) ? checkpointDir : undefined) : o.resume;
    if (resumeFrom !== undefined) {
      const ckpt = readCheckpoint(resumeFrom);
      restoreWeights(ckpt, net.root.namedWeights(), { space: o.space, supernetOptions: supernetOptions as Record<string, unknown> });
      trainer.resumeFrom(ckpt);
      log(`resumed from ${ckpt.dir} (epoch ${ckpt.manifest.epoch}, step ${ckpt.manifest.step})`);
    }
    log(`training ${o.space} on ${ds.name}: ${ds.train.size} train / ${ds.val.size} val images, ${trainer.steps} steps per epoch, ${o.epochs} epochs`);
    const epochs = await trainer.run();
    if (arch === undefined) return { epochs, checkpointDir };
    const split = ds.test ? 'test' : 'val';
    const r = await evaluateSplit(net, arch, ds.test ?? ds.val, ds.shape, { batchSize: Math.max(100, o.batchSize), normalization });
    log(`${split} accuracy of [${arch.join(',')}]: ${r.accuracy.toFixed(4)} (${r.samples} images)`);
    return { epochs, checkpointDir, arch, test: { accuracy: r.accuracy, loss: r.loss, split } };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}

/** Entry: parses argv, honours ss_gen dry mode and nasctl parameters, selects the backend, trains. */
export async function main(argv: readonly string[], sdk: TrialSdk = new TrialSdk()): Promise<void> {
  if (wantsHelp(argv)) {
    process.stdout.write(`usage: node dist/trial-runtime/programs/train-supernet.js [options]\n\nTrains a supernet (uniform single-path, FLOPs-bin, Cream or CLOSE). Options (see docs/training.md):\n${formatOptionsUsage(TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS)}\n`);
    return;
  }
  await runProgram('train-supernet', async () => {
    let o = parseProgramArgs(argv, TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
    if (writeSearchSpaceIfRequested(dryRunSupernet(o))) return;
    const params = await sdk.getNextParameters();
    if (params !== null) {
      const applied = applyParameters(o, TRAIN_SUPERNET_KINDS, params);
      o = applied.options;
      if (applied.unknown.length > 0) process.stdout.write(`train-supernet: ignoring unknown parameters ${applied.unknown.join(', ')}\n`);
    }
    const backend = await selectBackend();
    process.stdout.write(backend.description + '\n');
    for (const n of backend.notes) process.stdout.write(`  ${n}\n`);
    await trainSupernet(o, { metrics: sdk, progress: defaultProgress(), backend: backend.name });
  }, () => sdk.flush());
}

if (require.main === module) void main(process.argv.slice(2));
