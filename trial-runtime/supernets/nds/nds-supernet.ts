import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import type { ConvBnPair } from '../../nn/conv-bn-pair';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { parseIndexArch } from '../arch-parsing';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { NdsBlock, type NdsBlockChoice } from './nds-blocks';
import { bottleneckWidth, ndsCost, ndsStageStride } from './nds-cost';
import { decodeNdsArch, ndsSearchSpace, parseNdsGenotype, resolveNdsOptions, type NdsArch, type NdsKind, type NdsOptions, type NdsResolved } from './nds-space';

/**
 * Where an NDS network keeps the blocks after each stage's first: `nds-*` has one per depth
 * position (`stages.<s>.blocks.<b>`), `nds-*-close` a few shared GLOW blocks per stage.
 */
export interface NdsLayout {
  /** Registry name. */
  name: string;
  resolved: NdsResolved;
  /** Blocks after the first, per stage. */
  restBlocks: number;
  /** Module path of block `b` (0-based) after the first of stage `s`. */
  restPath(s: number, b: number): string;
}

/**
 * NDS ResNet / ResNeXt-A supernet on the pycls CIFAR AnyNet skeleton (ALGORITHMS.md §4): stem
 * conv 3x3 + BN + ReLU, stages with strides 1, 2, 2 whose first `depth` blocks run, GAP, linear
 * with bias. All weights are allocated at the largest choices (full size: 85M floats for ResNet;
 * use smaller choice lists on CPU) and shared ordinally: a sub-width uses the first channels.
 *
 * ⚠ Deviation: groups use block-diagonal slices of the width prefix of the dense 3x3 kernel
 * (group j: rows and columns j*(w_b/g) .. (j+1)*(w_b/g)); aw_nas places groups at max-width
 * group offsets. Both are consistent weight-sharing schemes; FLOPs/params do not change.
 */
export class NdsSupernet extends SupernetBase {
  readonly resolved: NdsResolved;
  private readonly stem: ConvBnPair;
  /** The first (stride / projection) block of each stage. */
  private readonly firsts: NdsBlock[] = [];
  /** rest[s] = the blocks after the first of stage s (see {@link NdsLayout}). */
  protected readonly rest: NdsBlock[][] = [];
  private readonly fc: Linear;

  /**
   * Builds the module tree (no weights). Throws ConfigError for bad options. `layout` is for
   * variants (`nds-*-close`); default: one block per depth position.
   */
  constructor(kind: NdsKind, options: NdsOptions = {}, layout?: NdsLayout) {
    const r = layout?.resolved ?? resolveNdsOptions(kind, options);
    const { name, restBlocks, restPath } = layout ?? { name: kind === 'resnet' ? 'nds-resnet' : 'nds-resnexta', restBlocks: Math.max(...r.depths) - 1, restPath: (s: number, b: number) => `stages.${s}.blocks.${b + 1}` };
    super({ name, inputShape: [r.inputSize, r.inputSize, r.inChannels], numClasses: r.numClasses, space: ndsSearchSpace(r), seed: options.seed, scope: options.scope });
    this.resolved = r;
    const seeds = this.seeds;
    this.stem = this.addConvBnPair(
      new Conv2d('stem.conv', { inChannels: r.inChannels, outChannels: r.stemWidth, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * r.stemWidth)), seed: seeds() } }),
      new BatchNorm('stem.bn', { channels: r.stemWidth, affine: false }),
      'relu',
    );
    const maxW = Math.max(...r.widths);
    const maxWb = Math.max(...r.widths.flatMap((w) => r.botMuls.map((b) => bottleneckWidth(w, b))));
    for (let s = 0; s < r.numStages; s++) {
      this.firsts.push(this.add(new NdsBlock(`stages.${s}.blocks.0`, kind, s === 0 ? r.stemWidth : maxW, maxW, maxWb, ndsStageStride(s), true, seeds)));
      this.rest.push(Array.from({ length: restBlocks }, (_, b) => this.add(new NdsBlock(restPath(s, b), kind, maxW, maxW, maxWb, 1, false, seeds))));
    }
    this.fc = this.add(new Linear('head.fc', { inFeatures: maxW, outFeatures: r.numClasses, bias: true, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
  }

  /** An aw_nas genotype string (`OrderedDict([...])`), checked against the space. */
  protected parseArchString(s: string): number[] {
    return parseIndexArch(this.space, parseNdsGenotype(s));
  }

  /** Per-stage values of an architecture. */
  decode(arch: ArchInput): NdsArch {
    return decodeNdsArch(this.resolved, this.parseArch(arch));
  }

  /** The aw_nas genotype string (`OrderedDict([...])`) of an architecture (the architecture key of rollouts). */
  genotype(arch: ArchInput): string {
    const p = this.toParameters(arch);
    return `OrderedDict([${Object.entries(p).map(([k, v]) => `('${k}', ${String(v)})`).join(', ')}])`;
  }

  cost(arch: ArchInput): ArchCost {
    return ndsCost(this.resolved, this.decode(arch));
  }

  /** Not additive (widths of adjacent stages and depths interact): use {@link cost}. */
  costModel(): undefined {
    return undefined;
  }

  /**
   * Which of a stage's rest blocks runs at depth position p + 1 (entry p); called once per path.
   * `nds-*`: undefined = block p.
   */
  protected positionBlocks(): readonly number[] | undefined {
    return undefined;
  }

  /** Active blocks with their sub-sizes. */
  private path(a: NdsArch): Array<{ block: NdsBlock; choice: NdsBlockChoice }> {
    const out: Array<{ block: NdsBlock; choice: NdsBlockChoice }> = [];
    const map = this.positionBlocks();
    let wIn = this.resolved.stemWidth;
    for (let s = 0; s < this.resolved.numStages; s++) {
      const w = a.widths[s] as number;
      const choice = { w, wb: bottleneckWidth(w, a.botMuls[s] as number), groups: a.numGroups[s] as number };
      out.push({ block: this.firsts[s] as NdsBlock, choice: { ...choice, wIn } });
      for (let p = 0; p + 1 < (a.depths[s] as number); p++) out.push({ block: (this.rest[s] as NdsBlock[])[map ? (map[p] as number) : p] as NdsBlock, choice: { ...choice, wIn: w } });
      wIn = w;
    }
    return out;
  }

  /** `options.fuse` (eval mode only) folds every conv + BN (+ ReLU): stem and each block's sliced convs. */
  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean, options: ForwardOptions): tf.Tensor2D {
    const fuse = !t && options.fuse === true;
    let y = this.stem.apply(x, t, fuse);
    for (const { block, choice } of this.path(decodeNdsArch(this.resolved, idx))) y = block.apply(y, choice, t, fuse);
    return this.fc.apply(globalAvgPool(y));
  }

  protected pathModules(idx: readonly number[]): Module[] {
    const mods: Module[] = [this.stem.conv, this.stem.bn];
    for (const { block, choice } of this.path(decodeNdsArch(this.resolved, idx))) mods.push(...block.modulesFor(choice));
    mods.push(this.fc);
    return mods;
  }
}
