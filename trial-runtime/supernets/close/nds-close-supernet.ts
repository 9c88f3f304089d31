import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module';
import { NdsSupernet } from '../nds/nds-supernet';
import { resolveNdsOptions, type NdsKind, type NdsOptions } from '../nds/nds-space';
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
export class NdsCloseSupernet extends NdsSupernet implements CloseSupernet {
  readonly numCurriculums: number;
  readonly splitRule: SplitRule;
  /** Shareable positions per stage (maxDepth − 1). */
  readonly positions: number;
  private readonly levelVar: CloseLevel;
  private mappingCache: { level: number; map: number[] } | undefined;

  /** Builds the module tree (no weights). Throws ConfigError for bad options. */
  constructor(kind: NdsKind, options: NdsCloseOptions = {}) {
    const r = resolveNdsOptions(kind, options);
    const positions = Math.max(...r.depths) - 1;
    const most = Math.max(1, positions);
    const K = resolveNumCurriculums(options.numCurriculums, Math.min(RELEASED_CURRICULUMS[kind], most), most);
    const name = kind === 'resnet' ? 'nds-resnet-close' : 'nds-resnexta-close';
    super(kind, options, { name, resolved: r, restBlocks: positions > 0 ? K : 0, restPath: (s, b) => `stages.${s}.glow.${b}` });
    this.positions = positions;
    this.numCurriculums = K;
    this.splitRule = options.splitRule ?? 'pre';
    this.levelVar = this.add(new CloseLevel(K));
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
    for (const blocks of this.rest) if (blocks.length > 0) inheritWeights(blocks[child] as Module, blocks[parent] as Module, mode);
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

  /** Depth positions run the shared blocks of the level's position groups. */
  protected override positionBlocks(): readonly number[] {
    return this.mapping();
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
