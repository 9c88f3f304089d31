import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { CostModel, SearchSpace } from '../../../tuners/search-space';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import type { ConvBnPair } from '../../nn/conv-bn-pair';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { dropout } from '../../nn/activations';
import { convFlops, convOutputSize, convParams, linearFlops, linearParams } from '../../nn/conv-cost';
import { SPOS_CHOICES, SposBlock } from './spos-blocks';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';

/** Options of the SPOS ShuffleNetV2 supernet. Defaults = the paper's full size (ImageNet). */
export interface SposOptions {
  /** Square input size; default 224. */
  inputSize?: number;
  inChannels?: number;
  numClasses?: number;
  /** Default 16. */
  stemChannels?: number;
  /** Default [64, 160, 320, 640]. */
  stageChannels?: number[];
  /** Default [4, 4, 8, 4]. */
  stageRepeats?: number[];
  /** Default 1024. */
  lastChannels?: number;
  /** Scales every channel count (rounded to a multiple of 4, at least 4). Default 1. */
  widthMultiplier?: number;
  /** Scales every stage's repeats (rounded up, at least 1). Default 1. */
  depthMultiplier?: number;
  /** Dropout before the classifier; default 0.1. */
  dropout?: number;
  /** Seed of the weight init. Default 0. */
  seed?: number;
  /** Engine-level variable-name prefix, unique per live supernet; default 'spos-<seed>'. */
  scope?: string;
}

/** A fully resolved SPOS configuration. */
export interface SposResolved {
  inputSize: number;
  inChannels: number;
  numClasses: number;
  stemChannels: number;
  stageChannels: number[];
  stageRepeats: number[];
  lastChannels: number;
  dropout: number;
}

/**
 * Resolves options (multipliers applied). Throws ConfigError (path = option name) for values
 * that cannot build a network.
 */
export function resolveSposOptions(o: SposOptions): SposResolved {
  const wm = o.widthMultiplier ?? 1;
  const dm = o.depthMultiplier ?? 1;
  if (!(wm > 0)) throw new ConfigError('/widthMultiplier', `must be > 0, got ${wm}`);
  if (!(dm > 0)) throw new ConfigError('/depthMultiplier', `must be > 0, got ${dm}`);
  const ch = (c: number): number => (wm === 1 ? c : Math.max(4, Math.round((c * wm) / 4) * 4));
  const r: SposResolved = {
    inputSize: o.inputSize ?? 224,
    inChannels: o.inChannels ?? 3,
    numClasses: o.numClasses ?? 1000,
    stemChannels: ch(o.stemChannels ?? 16),
    stageChannels: (o.stageChannels ?? [64, 160, 320, 640]).map(ch),
    stageRepeats: (o.stageRepeats ?? [4, 4, 8, 4]).map((n) => Math.max(1, Math.ceil(n * dm))),
    lastChannels: ch(o.lastChannels ?? 1024),
    dropout: o.dropout ?? 0.1,
  };
  if (r.stageChannels.length === 0 || r.stageChannels.length !== r.stageRepeats.length) {
    throw new ConfigError('/stageRepeats', `needs one repeat count per stage (${r.stageChannels.length} stages), got ${r.stageRepeats.length}`);
  }
  let prev = r.stemChannels;
  r.stageChannels.forEach((c, i) => {
    if (c % 2 !== 0 || c <= prev) {
      throw new ConfigError(`/stageChannels/${i}`, `stage channels must be even and grow (${prev} -> ${c}); pick other channels or width multiplier`);
    }
    prev = c;
  });
  if (!Number.isInteger(r.inputSize) || r.inputSize < 8) throw new ConfigError('/inputSize', `must be an integer >= 8, got ${r.inputSize}`);
  return r;
}

/**
 * SPOS ShuffleNetV2 supernet (ALGORITHMS.md §1.1): stem conv 3x3 s2 + BN + ReLU; stages of choice
 * blocks (first block stride 2); 1x1 conv to `lastChannels` + BN + ReLU; global average pool
 * (= AvgPool 7 at 224), dropout, linear without bias. BN affine-less. Search-space keys
 * `LayerChoice1..N` in layer order, candidates "0".."3" = ShuffleNet 3x3/5x5/7x7, Xception.
 * Convolutions pad k//2 (PyTorch), so any input size works; sizes are floor((n-1)/2)+1 per stride.
 */
export class SposSupernet extends SupernetBase {
  readonly resolved: SposResolved;
  private readonly stem: ConvBnPair;
  /** layers[i][c] = candidate c of choice layer i. */
  private readonly layers: SposBlock[][] = [];
  /** Input resolution of each choice layer. */
  private readonly layerInputSize: number[] = [];
  /** Resolution after the last choice layer (input of the last conv). */
  private readonly lastSize: number;
  private readonly last: ConvBnPair;
  private readonly fc: Linear;
  /** Additive cost model (analytic, computed once). */
  private readonly model: CostModel;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: SposOptions = {}, name = 'spos') {
    const r = resolveSposOptions(options);
    const numLayers = r.stageRepeats.reduce((a, n) => a + n, 0);
    const space: SearchSpace = {};
    for (let i = 0; i < numLayers; i++) space[`LayerChoice${i + 1}`] = { _type: 'layer_choice', _value: SPOS_CHOICES.map((_k, c) => String(c)) };
    super({ name, inputShape: [r.inputSize, r.inputSize, r.inChannels], numClasses: r.numClasses, space, seed: options.seed, scope: options.scope });
    this.resolved = r;
    const seeds = this.seeds;
    this.stem = this.addConvBnPair(
      new Conv2d('first_conv.conv', { inChannels: r.inChannels, outChannels: r.stemChannels, kernelSize: 3, stride: 2, init: { kind: 'normal', std: 0.01, seed: seeds() } }),
      new BatchNorm('first_conv.bn', { channels: r.stemChannels, affine: false }),
      'relu',
    );
    let size = convOutputSize(r.inputSize, 3, 2, 1);
    let prev = r.stemChannels;
    r.stageChannels.forEach((out, s) => {
      for (let b = 0; b < (r.stageRepeats[s] as number); b++) {
        const stride = b === 0 ? 2 : 1;
        const inp = stride === 2 ? prev : out / 2;
        const path = `stage${s + 1}.block${b + 1}`;
        this.layers.push(SPOS_CHOICES.map((kind, c) => this.add(new SposBlock(childPath(path, `choice${c}`), { inp, out, mid: out / 2, stride, kind }, seeds))));
        this.layerInputSize.push(size);
        if (stride === 2) size = convOutputSize(size, 3, 2, 1);
        prev = out;
      }
    });
    this.lastSize = size;
    this.last = this.addConvBnPair(
      new Conv2d('conv_last.conv', { inChannels: prev, outChannels: r.lastChannels, kernelSize: 1, init: { kind: 'normal', std: 1 / prev, seed: seeds() } }),
      new BatchNorm('conv_last.bn', { channels: r.lastChannels, affine: false }),
      'relu',
    );
    this.fc = this.add(new Linear('classifier', { inFeatures: r.lastChannels, outFeatures: r.numClasses, bias: false, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
    this.model = { base: this.baseCost(), perChoice: this.perChoiceCost() };
  }

  /** Number of choice layers (sum of stage repeats). */
  get numLayers(): number {
    return this.layers.length;
  }

  protected parseArchString(arch: string): number[] {
    throw new ConfigError('', `SPOS architectures are NNI parameters or a list of ${this.numLayers} indices in 0..3, not a string ('${arch.slice(0, 40)}')`);
  }

  /** Fixed part: stem conv, last conv and classifier. */
  private baseCost(): ArchCost {
    const s0 = convOutputSize(this.resolved.inputSize, 3, 2, 1);
    const sc = this.stem.conv.config;
    const lc = this.last.conv.config;
    const r = this.resolved;
    return {
      flops: convFlops(sc, s0, s0) + convFlops(lc, this.lastSize, this.lastSize) + linearFlops(r.lastChannels, r.numClasses, false),
      params: convParams(sc) + convParams(lc) + linearParams(r.lastChannels, r.numClasses, false),
    };
  }

  /** Cost of each candidate of each layer at the layer's input size. */
  private perChoiceCost(): CostModel['perChoice'] {
    const perChoice: CostModel['perChoice'] = {};
    this.layers.forEach((cands, i) => {
      const size = this.layerInputSize[i] as number;
      const entry: Record<string, { flops: number; params: number }> = {};
      cands.forEach((block, c) => {
        const { flops, params } = block.cost(size, size);
        entry[String(c)] = { flops, params };
      });
      perChoice[`LayerChoice${i + 1}`] = entry;
    });
    return perChoice;
  }

  costModel(): CostModel {
    return structuredClone(this.model);
  }

  /**
   * Counted from the blocks of the path itself (not from the cost model), so the test that the
   * model agrees with the supernet's own count compares two computations.
   */
  cost(arch: ArchInput): ArchCost {
    const total = this.baseCost();
    this.parseArch(arch).forEach((c, i) => {
      const size = this.layerInputSize[i] as number;
      const k = this.block(i, c).cost(size, size);
      total.flops += k.flops;
      total.params += k.params;
    });
    return total;
  }

  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean, options: ForwardOptions): tf.Tensor2D {
    const fuse = !t && options.fuse === true;
    let y = this.stem.apply(x, t, fuse);
    idx.forEach((c, i) => {
      y = this.block(i, c).apply(y, t, fuse);
    });
    y = this.last.apply(y, t, fuse);
    return this.fc.apply(dropout(globalAvgPool(y), this.resolved.dropout, t, options.seed));
  }

  protected pathModules(idx: readonly number[]): Module[] {
    return [this.stem.conv, this.stem.bn, ...idx.map((c, i) => this.block(i, c)), this.last.conv, this.last.bn, this.fc];
  }

  /** Candidate `c` of choice layer `i`. */
  private block(i: number, c: number): SposBlock {
    return (this.layers[i] as SposBlock[])[c] as SposBlock;
  }
}
