import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { CostModel, SearchSpace } from '../../../tuners/search-space';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import type { ConvBnPair } from '../../nn/conv-bn-pair';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { convOutputSize } from '../../nn/conv-cost';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { ConvBnAct, DepthwiseSeparable, InvertedResidual, flopsEstConv, swish } from './cream-blocks';
import { CREAM_OPS, CREAM_STAGE_STRIDES, resolveCreamOptions, type CreamOptions, type CreamResolved } from './cream-layout';

/** Search-space key of layer `l` (0-based) of searchable stage `s` (0-based): `stage1_layer1` ... */
export function creamKey(s: number, l: number): string {
  return `stage${s + 1}_layer${l + 1}`;
}

/**
 * Cream of the Crop's supernet (ALGORITHMS.md §2.1): stem conv 3×3 (stride 2) + BN + Swish; fixed
 * stage 0 (depthwise-separable k3 with SE); five searchable stages of `staNum[s]` layers, each
 * layer choosing one of six inverted-residual blocks with SE (kernel {3,5,7} × expansion {4,6},
 * {@link CREAM_OPS} order; only a stage's first layer keeps its stride); fixed stage 6 (1×1
 * ConvBnAct); global average pool → 1×1 conv (bias) → Swish → linear. Affine BN, momentum 0.1.
 * Keys `stage{s}_layer{l}` (`layer_choice`, candidates `k3_e4` … `k7_e6`).
 *
 * Cost = Cream's `FlopsEst` convention (ptflops hooks on the stem conv, every block, the pool and
 * the head conv, at `flopsInputSize`, 224 by default whatever the input size): conv MACs (+ bias),
 * affine BN 2 per element, SE pool and ReLU 1 per element; Swish, hard-sigmoid and residual adds
 * free; stem BN and classifier excluded. Params = parameters of those same modules. Additive.
 */
export class CreamSupernet extends SupernetBase {
  readonly resolved: CreamResolved;
  private readonly stem: ConvBnPair;
  private readonly stage0: DepthwiseSeparable;
  /** layers[i][c] = op c of choice layer i (stage-major order). */
  private readonly layers: InvertedResidual[][] = [];
  private readonly stage6: ConvBnAct;
  private readonly head: Conv2d;
  private readonly classifier: Linear;
  /** Additive cost model (FlopsEst convention, computed once). */
  private readonly model: CostModel;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: CreamOptions = {}, name = 'cream') {
    const r = resolveCreamOptions(options);
    const space: SearchSpace = {};
    r.staNum.forEach((n, s) => {
      for (let l = 0; l < n; l++) space[creamKey(s, l)] = { _type: 'layer_choice', _value: CREAM_OPS.map((op) => op.name) };
    });
    super({ name, inputShape: [r.inputSize, r.inputSize, r.inChannels], numClasses: r.numClasses, space, seed: options.seed, scope: options.scope });
    this.resolved = r;
    const seeds = this.seeds;
    const he = (k: number, out: number): { kind: 'normal'; std: number; seed: number } => ({ kind: 'normal', std: Math.sqrt(2 / (k * k * out)), seed: seeds() });
    this.stem = this.addConvBnPair(
      new Conv2d('conv_stem', { inChannels: r.inChannels, outChannels: r.stemChannels, kernelSize: 3, stride: r.stemStride, init: he(3, r.stemChannels) }),
      new BatchNorm('bn1', { channels: r.stemChannels }),
      swish,
    );
    this.stage0 = this.add(new DepthwiseSeparable('blocks.0.0', r.stemChannels, r.stage0Channels, 3, 1, seeds));
    let prev = r.stage0Channels;
    r.stageChannels.forEach((out, s) => {
      for (let l = 0; l < (r.staNum[s] as number); l++) {
        const stride = l === 0 ? (CREAM_STAGE_STRIDES[s] as number) : 1;
        const inC = l === 0 ? prev : out;
        this.layers.push(CREAM_OPS.map((op, c) => this.add(new InvertedResidual(childPath(`blocks.${s + 1}.${l}`, `choice${c}`), { inChannels: inC, outChannels: out, kernelSize: op.kernel, expansion: op.expansion, stride }, seeds))));
      }
      prev = out;
    });
    this.stage6 = this.add(new ConvBnAct('blocks.6.0', prev, r.lastChannels, 1, seeds));
    this.head = this.add(new Conv2d('conv_head', { inChannels: r.lastChannels, outChannels: r.numFeatures, kernelSize: 1, bias: true, init: he(1, r.numFeatures) }));
    // timm's `_init_weight_goog` for Linear: U(±1/sqrt(out)); a normal of the same variance here.
    this.classifier = this.add(new Linear('classifier', { inFeatures: r.numFeatures, outFeatures: r.numClasses, init: { kind: 'normal', std: 1 / Math.sqrt(3 * r.numClasses), seed: seeds() } }));
    this.model = { base: this.baseCost(), perChoice: this.perChoiceCost() };
  }

  /** Number of choice layers (sum of `staNum`). */
  get numLayers(): number {
    return this.layers.length;
  }

  /**
   * Cream's path encoding of an architecture: `[[0], [c…]×staNum[0], …, [c…]×staNum[4], [0]]`
   * (the leading and trailing `[0]` are the fixed stages 0 and 6). Throws as parseArch.
   */
  creamPath(arch: ArchInput): number[][] {
    const idx = this.parseArch(arch);
    const out: number[][] = [[0]];
    let i = 0;
    for (const n of this.resolved.staNum) {
      out.push(idx.slice(i, i + n));
      i += n;
    }
    out.push([0]);
    return out;
  }

  /** Parses Cream's path encoding as JSON (`[[0],[3],[3,3],…,[0]]`). Throws ConfigError naming the stage. */
  protected parseArchString(s: string): number[] {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      throw new ConfigError('', `a Cream architecture string must be the JSON path encoding [[0],[…stage 1…],…,[0]], got '${s.slice(0, 60)}'`);
    }
    const staNum = this.resolved.staNum;
    if (!Array.isArray(v) || v.length !== staNum.length + 2) throw new ConfigError('', `Cream path needs ${staNum.length + 2} stage lists ([0], 5 searchable stages, [0]), got ${Array.isArray(v) ? v.length : typeof v}`);
    const out: number[] = [];
    staNum.forEach((n, s) => {
      const stage: unknown = v[s + 1];
      if (!Array.isArray(stage) || stage.length !== n) throw new ConfigError(`/${s + 1}`, `stage ${s + 1} needs ${n} op indices, got ${JSON.stringify(stage)}`);
      out.push(...(stage as number[]));
    });
    return this.parseArch(out);
  }

  /** Fixed part in the FlopsEst convention: stem conv, stage 0, stage 6, pool and head conv. */
  private baseCost(): ArchCost {
    const r = this.resolved;
    const s0 = convOutputSize(r.flopsInputSize, 3, r.stemStride, 1);
    const stem = flopsEstConv(this.stem.conv.config, s0, s0);
    const ds = this.stage0.cost(s0, s0);
    let size = s0;
    for (const st of CREAM_STAGE_STRIDES) size = convOutputSize(size, 3, st, 1);
    const last = this.stage6.cost(size, size);
    const pool = r.lastChannels * size * size;
    const head = flopsEstConv(this.head.config, 1, 1);
    return { flops: stem.flops + ds.flops + last.flops + pool + head.flops, params: stem.params + ds.params + last.params + head.params };
  }

  /** Input size of each choice layer at `flopsInputSize`. */
  private layerInputSizes(): number[] {
    const r = this.resolved;
    let size = convOutputSize(r.flopsInputSize, 3, r.stemStride, 1);
    const out: number[] = [];
    r.staNum.forEach((n, s) => {
      for (let l = 0; l < n; l++) {
        out.push(size);
        if (l === 0) size = convOutputSize(size, 3, CREAM_STAGE_STRIDES[s] as number, 1);
      }
    });
    return out;
  }

  /** Cost of each op of each choice layer at the layer's input size (at `flopsInputSize`). */
  private perChoiceCost(): CostModel['perChoice'] {
    const sizes = this.layerInputSizes();
    const perChoice: CostModel['perChoice'] = {};
    const keys = Object.keys(this.space);
    this.layers.forEach((ops, i) => {
      const entry: Record<string, { flops: number; params: number }> = {};
      ops.forEach((b, c) => {
        const { flops, params } = b.cost(sizes[i] as number, sizes[i] as number);
        entry[(CREAM_OPS[c] as { name: string }).name] = { flops, params };
      });
      perChoice[keys[i] as string] = entry;
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
    const sizes = this.layerInputSizes();
    const total = this.baseCost();
    this.parseArch(arch).forEach((c, i) => {
      const k = ((this.layers[i] as InvertedResidual[])[c] as InvertedResidual).cost(sizes[i] as number, sizes[i] as number);
      total.flops += k.flops;
      total.params += k.params;
    });
    return total;
  }

  /** `options.fuse` (eval mode only) folds every conv + BN pair (stem, blocks; Swish after the fold). */
  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean, options: ForwardOptions): tf.Tensor2D {
    const fuse = !t && options.fuse === true;
    let y = this.stem.apply(x, t, fuse);
    y = this.stage0.apply(y, t, fuse);
    idx.forEach((c, i) => {
      y = this.block(i, c).apply(y, t, fuse);
    });
    y = this.stage6.apply(y, t, fuse);
    const pooled = tf.mean(y, [1, 2], true) as tf.Tensor4D;
    const feats = globalAvgPool(swish(this.head.apply(pooled)));
    return this.classifier.apply(feats);
  }

  /**
   * Modules of the path; the stem conv comes first (Cream's `rand_parameters` order: the
   * meta-network update of §2.6 uses the first student tensor).
   */
  protected pathModules(idx: readonly number[]): Module[] {
    return [this.stem.conv, this.stem.bn, this.stage0, ...idx.map((c, i) => this.block(i, c)), this.stage6, this.head, this.classifier];
  }

  /** Op `c` of choice layer `i`. */
  private block(i: number, c: number): InvertedResidual {
    return (this.layers[i] as InvertedResidual[])[c] as InvertedResidual;
  }
}
