import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { parseIndexArch } from '../arch-parsing';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { NdsBlock, type NdsBlockChoice } from '../nds/nds-blocks';
import { bottleneckWidth, ndsCost, ndsStageStride } from '../nds/nds-cost';
import { decodeNdsArch, ndsSearchSpace, parseNdsGenotype, resolveNdsOptions, type NdsArch, type NdsKind, type NdsOptions, type NdsResolved } from '../nds/nds-space';
import { resolveNumCurriculums, type CloseOptions, type SplitRule } from './close-options';
import { CloseLevel } from './close-level';
import type { CloseSupernet, WitMode } from './close-supernet';
import { inheritWeights } from './inherit-weights';
import { ndsPositionGroups, ndsPositionMapping } from './nds-position-groups';

/** Options of `nds-resnet-close` / `nds-resnexta-close`. */
export type NdsCloseOptions = NdsOptions & CloseOptions;

/** Released `num_curriculums` (§3.5). */
const RELEASED_CURRICULUMS: Record<NdsKind, number> = { resnet: 17, resnexta: 13 };

/**
 * NDS ResNet / ResNeXt-A trained with CLOSE (`GermCloseStage`, ALGORITHMS.md §3.1, §3.3, §3.6):
 * the `nds-*` skeleton, space, genotypes and costs, but in each stage only the first (stride /
 * projection) block is ordinary; positions 1 .. maxDepth − 1 run one of `numCurriculums` shared
 * residual blocks of the stage, chosen by the deterministic position groups of the level (no
 * gate network). Blocks are allocated at the largest widths and shared ordinally as in `nds-*`.
 */
export class NdsCloseSupernet extends SupernetBase implements CloseSupernet {
  readonly resolved: NdsResolved;
  readonly numCurriculums: number;
  readonly splitRule: SplitRule;
  /** Shareable positions per stage (maxDepth − 1). */
  readonly positions: number;
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly firsts: NdsBlock[] = [];
  private readonly shared: NdsBlock[][] = [];
  private readonly fc: Linear;
  private readonly levelVar: CloseLevel;
  private mappingCache: { level: number; map: number[] } | undefined;

  /** Builds the module tree (no weights). Throws ConfigError for bad options. */
  constructor(kind: NdsKind, options: NdsCloseOptions = {}) {
    const r = resolveNdsOptions(kind, options);
    super({ name: kind === 'resnet' ? 'nds-resnet-close' : 'nds-resnexta-close', inputShape: [r.inputSize, r.inputSize, r.inChannels], numClasses: r.numClasses, space: ndsSearchSpace(r), seed: options.seed, scope: options.scope });
    this.resolved = r;
    const maxD = Math.max(...r.depths);
    this.positions = maxD - 1;
    const most = Math.max(1, this.positions);
    this.numCurriculums = resolveNumCurriculums(options.numCurriculums, Math.min(RELEASED_CURRICULUMS[kind], most), most);
    this.splitRule = options.splitRule ?? 'pre';
    const seeds = this.seeds;
    this.stem = {
      conv: this.add(new Conv2d('stem.conv', { inChannels: r.inChannels, outChannels: r.stemWidth, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * r.stemWidth)), seed: seeds() } })),
      bn: this.add(new BatchNorm('stem.bn', { channels: r.stemWidth, affine: false })),
    };
    const maxW = Math.max(...r.widths);
    const maxWb = Math.max(...r.widths.flatMap((w) => r.botMuls.map((b) => bottleneckWidth(w, b))));
    for (let s = 0; s < r.numStages; s++) {
      this.firsts.push(this.add(new NdsBlock(`stages.${s}.blocks.0`, kind, s === 0 ? r.stemWidth : maxW, maxW, maxWb, ndsStageStride(s), true, seeds)));
      const blocks: NdsBlock[] = [];
      if (this.positions > 0) for (let b = 0; b < this.numCurriculums; b++) blocks.push(this.add(new NdsBlock(`stages.${s}.glow.${b}`, kind, maxW, maxW, maxWb, 1, false, seeds)));
      this.shared.push(blocks);
    }
    this.fc = this.add(new Linear('head.fc', { inFeatures: maxW, outFeatures: r.numClasses, bias: true, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
    this.levelVar = this.add(new CloseLevel(this.numCurriculums));
  }

  protected parseArchString(s: string): number[] {
    return parseIndexArch(this.space, parseNdsGenotype(s));
  }

  decode(arch: ArchInput): NdsArch {
    return decodeNdsArch(this.resolved, this.parseArch(arch));
  }

  /** The aw_nas genotype string, as `nds-*` (the architecture key of rollouts). */
  genotype(arch: ArchInput): string {
    const p = this.toParameters(arch);
    return `OrderedDict([${Object.entries(p).map(([k, v]) => `('${k}', ${String(v)})`).join(', ')}])`;
  }

  cost(arch: ArchInput): ArchCost {
    return ndsCost(this.resolved, this.decode(arch));
  }

  costModel(): undefined {
    return undefined;
  }

  level(): number {
    this.build();
    return this.levelVar.get();
  }

  setLevel(level: number): void {
    this.build();
    if (this.positions > 0) ndsPositionGroups(this.positions, level, this.splitRule, this.numCurriculums);
    this.levelVar.set(level);
  }

  /** Position (0 = the second block of a stage) -> shared block at the current level. */
  mapping(): number[] {
    const level = this.level();
    if (this.mappingCache?.level !== level) this.mappingCache = { level, map: this.positions > 0 ? ndsPositionMapping(this.positions, level, this.splitRule, this.numCurriculums) : [] };
    return this.mappingCache.map;
  }

  parentBlock(child: number): number {
    return ndsPositionGroups(Math.max(1, this.positions), child + 1, this.splitRule, this.numCurriculums).splits[child - 1]?.parent ?? 0;
  }

  inheritBlock(child: number, parent: number, mode: WitMode): void {
    this.build();
    for (const blocks of this.shared) if (blocks.length > 0) inheritWeights(blocks[child] as Module, blocks[parent] as Module, mode);
  }

  inheritGateRow(): void {
    // fixed position groups: no gate
  }

  gateVariables(): tf.Variable[] {
    return [];
  }

  armGate(): void {
    // fixed position groups: nothing to sample
  }

  /** Blocks on the path with their sub-sizes. */
  private path(a: NdsArch): Array<{ block: NdsBlock; choice: NdsBlockChoice }> {
    const out: Array<{ block: NdsBlock; choice: NdsBlockChoice }> = [];
    const map = this.mapping();
    let wIn = this.resolved.stemWidth;
    for (let s = 0; s < this.resolved.numStages; s++) {
      const w = a.widths[s] as number;
      const choice = { w, wb: bottleneckWidth(w, a.botMuls[s] as number), groups: a.numGroups[s] as number };
      out.push({ block: this.firsts[s] as NdsBlock, choice: { ...choice, wIn } });
      for (let b = 1; b < (a.depths[s] as number); b++) out.push({ block: (this.shared[s] as NdsBlock[])[map[b - 1] as number] as NdsBlock, choice: { ...choice, wIn: w } });
      wIn = w;
    }
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
    const mods = new Set<Module>([this.stem.conv, this.stem.bn]);
    for (const { block, choice } of this.path(a)) for (const m of block.modulesFor(choice)) mods.add(m);
    mods.add(this.fc);
    return [...mods].flatMap((m) => m.trainableVariables());
  }

  /** Default schedule (fractions): the released pattern, 9 blocks at the start and the rest spread over 0.2 .. 0.8. */
  defaultClSchedule(): number[] {
    return ndsDefaultSchedule(this.numCurriculums);
  }
}

/**
 * NDS default curriculum as fractions (§3.5): K ≥ 13 gives 9 blocks at the start and K − 9 spread
 * over 0.2, 0.4, 0.6, 0.8 (ResNet 17: two each; ResNeXt-A 13: one each); a smaller K starts with
 * ⌈K/2⌉. Pure.
 */
export function ndsDefaultSchedule(k: number): number[] {
  const start = k >= 13 ? 9 : Math.ceil(k / 2);
  const n = k - start;
  return [...new Array<number>(start).fill(0), ...Array.from({ length: n }, (_, i) => Math.round(2 * (1 + Math.floor((i * 4) / n))) / 10)];
}
