import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { parseIndexArch } from '../arch-parsing';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { NdsBlock, type NdsBlockChoice } from './nds-blocks';
import { bottleneckWidth, ndsCost, ndsStageStride } from './nds-cost';
import { decodeNdsArch, ndsSearchSpace, parseNdsGenotype, resolveNdsOptions, type NdsArch, type NdsKind, type NdsOptions, type NdsResolved } from './nds-space';

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
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly stages: NdsBlock[][] = [];
  private readonly fc: Linear;

  /** Builds the module tree (no weights). Throws ConfigError for bad options. */
  constructor(kind: NdsKind, options: NdsOptions = {}) {
    const r = resolveNdsOptions(kind, options);
    super({ name: kind === 'resnet' ? 'nds-resnet' : 'nds-resnexta', inputShape: [r.inputSize, r.inputSize, r.inChannels], numClasses: r.numClasses, space: ndsSearchSpace(r), seed: options.seed, scope: options.scope });
    this.resolved = r;
    const seeds = this.seeds;
    this.stem = {
      conv: this.add(new Conv2d('stem.conv', { inChannels: r.inChannels, outChannels: r.stemWidth, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * r.stemWidth)), seed: seeds() } })),
      bn: this.add(new BatchNorm('stem.bn', { channels: r.stemWidth, affine: false })),
    };
    const maxW = Math.max(...r.widths);
    const maxWb = Math.max(...r.widths.flatMap((w) => r.botMuls.map((b) => bottleneckWidth(w, b))));
    const maxD = Math.max(...r.depths);
    for (let s = 0; s < r.numStages; s++) {
      const blocks: NdsBlock[] = [];
      for (let b = 0; b < maxD; b++) {
        const maxIn = b === 0 && s === 0 ? r.stemWidth : maxW;
        const stride = b === 0 ? ndsStageStride(s) : 1;
        blocks.push(this.add(new NdsBlock(`stages.${s}.blocks.${b}`, kind, maxIn, maxW, maxWb, stride, b === 0, seeds)));
      }
      this.stages.push(blocks);
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

  /** The aw_nas genotype string (`OrderedDict([...])`) of an architecture. */
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

  /** Active blocks with their sub-sizes. */
  private path(a: NdsArch): Array<{ block: NdsBlock; choice: NdsBlockChoice }> {
    const out: Array<{ block: NdsBlock; choice: NdsBlockChoice }> = [];
    let wIn = this.resolved.stemWidth;
    this.stages.forEach((blocks, s) => {
      const w = a.widths[s] as number;
      const wb = bottleneckWidth(w, a.botMuls[s] as number);
      for (let b = 0; b < (a.depths[s] as number); b++) {
        const block = blocks[b];
        if (!block) throw new ConfigError(`/depths.${s}`, `depth ${a.depths[s]} exceeds the ${blocks.length} blocks built`);
        out.push({ block, choice: { wIn, w, wb, groups: a.numGroups[s] as number } });
        wIn = w;
      }
    });
    return out;
  }

  forward(x: tf.Tensor4D, arch: ArchInput, options: ForwardOptions): tf.Tensor2D {
    const a = this.decode(arch);
    this.build();
    const t = options.training;
    let y = tf.relu(this.stem.bn.apply(this.stem.conv.apply(x), t));
    for (const { block, choice } of this.path(a)) y = block.apply(y, choice, t);
    return this.fc.apply(globalAvgPool(y));
  }

  variablesForArch(arch: ArchInput): tf.Variable[] {
    const a = this.decode(arch);
    this.build();
    const mods: Module[] = [this.stem.conv, this.stem.bn];
    for (const { block, choice } of this.path(a)) mods.push(...block.modulesFor(choice));
    mods.push(this.fc);
    return mods.flatMap((m) => m.trainableVariables());
  }
}
