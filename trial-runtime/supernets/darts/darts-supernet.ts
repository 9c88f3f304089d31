import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { parseIndexArch } from '../arch-parsing';
import type { ArchCost, ArchInput } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { DartsCell } from './darts-cell';
import { dartsCost, reductionLayers, type DartsShape } from './darts-cost';
import { dartsSearchSpace, decodeDarts, encodeDarts, formatDartsGenotype, parseDartsGenotype, type DartsGenotype } from './darts-genotype';

/** Options of the DARTS supernet. Defaults: the DARTS CIFAR search network (C=16, 8 cells). */
export interface DartsOptions {
  /** Initial channels C; default 16 (must be even: factorized reductions halve it). */
  channels?: number;
  /** Number of cells; default 8 (reductions at layers/3 and 2*layers/3). */
  layers?: number;
  /** Stem width = stemMultiplier x C; default 3. */
  stemMultiplier?: number;
  inputSize?: number;
  inChannels?: number;
  numClasses?: number;
  seed?: number;
  /** Engine-level variable-name prefix; default 'darts-<seed>'. */
  scope?: string;
}

/**
 * The DARTS / NAS-Bench-301 cell space as a weight-sharing supernet: stem conv 3x3 + BN, `layers`
 * cells (reduction cells double the channels and halve the resolution), GAP, linear. Every cell
 * holds all candidate ops on all 14 (node, input) edges; an architecture is one normal and one
 * reduction genotype (two (op, input) pairs per node). Architectures also accept DARTS genotype
 * strings. No auxiliary head, no drop path.
 */
export class DartsSupernet extends SupernetBase {
  private readonly shape: DartsShape;
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly cells: DartsCell[] = [];
  private readonly fc: Linear;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: DartsOptions = {}) {
    const C = options.channels ?? 16;
    const layers = options.layers ?? 8;
    const inputSize = options.inputSize ?? 32;
    if (!Number.isInteger(C) || C <= 0 || C % 2 !== 0) throw new ConfigError('/channels', `must be a positive even integer, got ${C}`);
    if (!Number.isInteger(layers) || layers < 3) throw new ConfigError('/layers', `must be an integer >= 3 (two reduction cells), got ${layers}`);
    if (!Number.isInteger(inputSize) || inputSize < 4 || inputSize % 4 !== 0) throw new ConfigError('/inputSize', `must be a multiple of 4 (two factorized reductions), got ${inputSize}`);
    const shape: DartsShape = { channels: C, layers, stemMultiplier: options.stemMultiplier ?? 3, inputSize, inChannels: options.inChannels ?? 3, numClasses: options.numClasses ?? 10 };
    super({ name: 'darts', inputShape: [inputSize, inputSize, shape.inChannels], numClasses: shape.numClasses, space: dartsSearchSpace(), seed: options.seed, scope: options.scope });
    this.shape = shape;
    const seeds = this.seeds;
    const cStem = shape.stemMultiplier * C;
    this.stem = {
      conv: this.add(new Conv2d('stem.conv', { inChannels: shape.inChannels, outChannels: cStem, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * cStem)), seed: seeds() } })),
      bn: this.add(new BatchNorm('stem.bn', { channels: cStem })),
    };
    let [cPrevPrev, cPrev, c] = [cStem, cStem, C];
    let reductionPrev = false;
    const reductions = reductionLayers(layers);
    for (let i = 0; i < layers; i++) {
      const reduction = reductions.includes(i);
      if (reduction) c *= 2;
      this.cells.push(this.add(new DartsCell(`cells.${i}`, { cPrevPrev, cPrev, c, reduction, reductionPrev }, seeds)));
      [cPrevPrev, cPrev] = [cPrev, 4 * c];
      reductionPrev = reduction;
    }
    this.fc = this.add(new Linear('classifier', { inFeatures: cPrev, outFeatures: shape.numClasses, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
  }

  /** The resolved network shape (the options with their defaults), e.g. for `darts-close`'s skeleton. */
  get networkShape(): Readonly<DartsShape> {
    return this.shape;
  }

  /** A DARTS genotype string (`Genotype(normal=[...], ...)`), checked against the space. */
  protected parseArchString(s: string): number[] {
    return parseIndexArch(this.space, encodeDarts(parseDartsGenotype(s)));
  }

  /** The decoded genotype of any accepted architecture form. */
  genotypeOf(arch: ArchInput): DartsGenotype {
    return decodeDarts(this.parseArch(arch));
  }

  /** The DARTS genotype string (`Genotype(normal=[...], ...)`) of an architecture. */
  genotype(arch: ArchInput): string {
    return formatDartsGenotype(this.genotypeOf(arch));
  }

  cost(arch: ArchInput): ArchCost {
    return dartsCost(this.shape, this.genotypeOf(arch));
  }

  /** Not additive (a reduction-cell op's cost depends on its input): use {@link cost}. */
  costModel(): undefined {
    return undefined;
  }

  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean): tf.Tensor2D {
    const g = decodeDarts(idx);
    const stem = this.stem.bn.apply(this.stem.conv.apply(x), t);
    let [s0, s1] = [stem, stem];
    for (const cell of this.cells) [s0, s1] = [s1, cell.apply(s0, s1, cell.shape.reduction ? g.reduce : g.normal, t)];
    return this.fc.apply(globalAvgPool(s1));
  }

  /**
   * The path: the classifier, then backwards through the cells: a cell's used preprocessing and
   * chosen parametric ops, and the earlier cells (or stem) whose output a used input reads.
   */
  protected pathModules(idx: readonly number[]): Module[] {
    const g = decodeDarts(idx);
    const n = this.cells.length;
    // needed[i + 1]: output of cell i is read (index 0 = stem).
    const needed = new Array<boolean>(n + 1).fill(false);
    needed[n] = true;
    const mods: Module[] = [this.fc];
    for (let i = n - 1; i >= 0; i--) {
      if (!needed[i + 1]) continue;
      const cell = this.cells[i] as DartsCell;
      const used = cell.modulesFor(cell.shape.reduction ? g.reduce : g.normal);
      mods.push(...used);
      if (used.includes(cell.pre1)) needed[i] = true;
      if (used.includes(cell.pre0)) needed[Math.max(0, i - 1)] = true;
    }
    if (needed[0]) mods.push(this.stem.conv, this.stem.bn);
    return mods;
  }
}
