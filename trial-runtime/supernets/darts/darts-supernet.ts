import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import type { ConvBnPair } from '../../nn/conv-bn-pair';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { parseIndexArch } from '../arch-parsing';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { DartsCell, type DartsCellShape } from './darts-cell';
import { dartsCost, reductionLayers, type DartsShape } from './darts-cost';
import { dartsSearchSpace, decodeDarts, encodeDarts, formatDartsGenotype, parseDartsGenotype, type DartsCellType, type DartsGenotype } from './darts-genotype';

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

/** Resolves and checks the DARTS options (defaults filled in). Throws ConfigError for bad options. Pure. */
export function resolveDartsShape(options: DartsOptions): DartsShape {
  const C = options.channels ?? 16;
  const layers = options.layers ?? 8;
  const inputSize = options.inputSize ?? 32;
  if (!Number.isInteger(C) || C <= 0 || C % 2 !== 0) throw new ConfigError('/channels', `must be a positive even integer, got ${C}`);
  if (!Number.isInteger(layers) || layers < 3) throw new ConfigError('/layers', `must be an integer >= 3 (two reduction cells), got ${layers}`);
  if (!Number.isInteger(inputSize) || inputSize < 4 || inputSize % 4 !== 0) throw new ConfigError('/inputSize', `must be a multiple of 4 (two factorized reductions), got ${inputSize}`);
  return { channels: C, layers, stemMultiplier: options.stemMultiplier ?? 3, inputSize, inChannels: options.inChannels ?? 3, numClasses: options.numClasses ?? 10 };
}

/** What the DARTS skeleton needs of a cell: its shape and its two preprocessing modules. */
export type DartsSkeletonCell = Module & { readonly shape: DartsCellShape; readonly pre0: Module; readonly pre1: Module };

/** Creates cell `path` of a DARTS network, drawing its init seeds from `seeds`. */
export type DartsCellFactory<Cell extends DartsSkeletonCell> = (path: string, shape: DartsCellShape, seeds: () => number) => Cell;

/**
 * The DARTS / NAS-Bench-301 network around its cells: stem conv 3x3 + BN, `layers` cells
 * (reduction cells at layers/3 and 2·layers/3 double the channels and halve the resolution), GAP,
 * linear. An architecture is one normal and one reduction genotype (two (op, input) pairs per
 * node); architectures also accept DARTS genotype strings. Owns the space, genotype strings, cost
 * and the skeleton's forward and path walk; the cell type is the subclass's (`darts`:
 * {@link DartsCell}; `darts-close`: GLOW cells). No auxiliary head, no drop path.
 */
export abstract class DartsNetwork<Cell extends DartsSkeletonCell> extends SupernetBase {
  private readonly shape: DartsShape;
  private readonly stem: ConvBnPair;
  protected readonly cells: Cell[] = [];
  private readonly fc: Linear;

  /** Builds the module tree (no weights yet): stem, cells (from `makeCell`), classifier. */
  protected constructor(name: string, shape: DartsShape, init: { seed?: number | undefined; scope?: string | undefined }, makeCell: DartsCellFactory<Cell>) {
    super({ name, inputShape: [shape.inputSize, shape.inputSize, shape.inChannels], numClasses: shape.numClasses, space: dartsSearchSpace(), seed: init.seed, scope: init.scope });
    this.shape = shape;
    const seeds = this.seeds;
    const cStem = shape.stemMultiplier * shape.channels;
    this.stem = this.addConvBnPair(
      new Conv2d('stem.conv', { inChannels: shape.inChannels, outChannels: cStem, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * cStem)), seed: seeds() } }),
      new BatchNorm('stem.bn', { channels: cStem }),
    );
    let [cPrevPrev, cPrev, c] = [cStem, cStem, shape.channels];
    let reductionPrev = false;
    const reductions = reductionLayers(shape.layers);
    for (let i = 0; i < shape.layers; i++) {
      const reduction = reductions.includes(i);
      if (reduction) c *= 2;
      this.cells.push(this.add(makeCell(`cells.${i}`, { cPrevPrev, cPrev, c, reduction, reductionPrev }, seeds)));
      [cPrevPrev, cPrev] = [cPrev, 4 * c];
      reductionPrev = reduction;
    }
    this.fc = this.add(new Linear('classifier', { inFeatures: cPrev, outFeatures: shape.numClasses, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
  }

  /**
   * How this forward runs each cell (of genotype cell type `type`); called once per forward,
   * before the stem (a CLOSE gate is drawn here), inside tf.tidy. `fuse`: eval mode with the
   * folded conv+BN fast path on.
   */
  protected abstract cellPass(g: DartsGenotype, training: boolean, fuse: boolean): (cell: Cell, s0: tf.Tensor4D, s1: tf.Tensor4D, type: DartsCellType) => tf.Tensor4D;
  /** The modules with weights a cell of type `type` uses for `g`, its preprocessing included; called once per variablesForArch. */
  protected abstract cellModules(g: DartsGenotype): (cell: Cell, type: DartsCellType) => Module[];

  /** A DARTS genotype string (`Genotype(normal=[...], ...)`), checked against the space. */
  protected parseArchString(s: string): number[] {
    return parseIndexArch(this.space, encodeDarts(parseDartsGenotype(s)));
  }

  /** The decoded genotype of any accepted architecture form. */
  genotypeOf(arch: ArchInput): DartsGenotype {
    return decodeDarts(this.parseArch(arch));
  }

  /** The DARTS genotype string (`Genotype(normal=[...], ...)`) of an architecture (its key in rollouts). */
  genotype(arch: ArchInput): string {
    return formatDartsGenotype(this.genotypeOf(arch));
  }

  /** FLOPs / params of the stand-alone architecture as `darts` counts them (a property of the skeleton and genotype, not of the cells). */
  cost(arch: ArchInput): ArchCost {
    return dartsCost(this.shape, this.genotypeOf(arch));
  }

  /** Not additive (a reduction-cell op's cost depends on its input): use {@link cost}. */
  costModel(): undefined {
    return undefined;
  }

  /** `options.fuse` (eval mode only) folds every conv + BN pair (stem, preprocessing, ops). */
  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean, options: ForwardOptions): tf.Tensor2D {
    const fuse = !t && options.fuse === true;
    const pass = this.cellPass(decodeDarts(idx), t, fuse);
    const stem = this.stem.apply(x, t, fuse);
    let [s0, s1] = [stem, stem];
    for (const cell of this.cells) [s0, s1] = [s1, pass(cell, s0, s1, cellType(cell))];
    return this.fc.apply(globalAvgPool(s1));
  }

  /**
   * The path: the classifier, then backwards through the cells: a cell's modules
   * ({@link cellModules}), and the earlier cells (or stem) whose output a used preprocessing reads.
   */
  protected pathModules(idx: readonly number[]): Module[] {
    const cellModules = this.cellModules(decodeDarts(idx));
    const n = this.cells.length;
    // needed[i + 1]: output of cell i is read (index 0 = stem).
    const needed = new Array<boolean>(n + 1).fill(false);
    needed[n] = true;
    const mods: Module[] = [this.fc];
    for (let i = n - 1; i >= 0; i--) {
      if (!needed[i + 1]) continue;
      const cell = this.cells[i] as Cell;
      const used = cellModules(cell, cellType(cell));
      mods.push(...used);
      if (used.includes(cell.pre1)) needed[i] = true;
      if (used.includes(cell.pre0)) needed[Math.max(0, i - 1)] = true;
    }
    if (needed[0]) mods.push(this.stem.conv, this.stem.bn);
    return mods;
  }
}

/** The genotype cell type a cell runs. */
function cellType(cell: DartsSkeletonCell): DartsCellType {
  return cell.shape.reduction ? 'reduce' : 'normal';
}

/**
 * The DARTS / NAS-Bench-301 cell space as a weight-sharing supernet (`darts`): the
 * {@link DartsNetwork} with {@link DartsCell}s, every candidate op on all 14 (node, input) edges.
 */
export class DartsSupernet extends DartsNetwork<DartsCell> {
  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: DartsOptions = {}) {
    super('darts', resolveDartsShape(options), options, (path, shape, seeds) => new DartsCell(path, shape, seeds));
  }

  protected cellPass(g: DartsGenotype, training: boolean, fuse: boolean): (cell: DartsCell, s0: tf.Tensor4D, s1: tf.Tensor4D, type: DartsCellType) => tf.Tensor4D {
    return (cell, s0, s1, type) => cell.apply(s0, s1, g[type], training, fuse);
  }

  /** A cell's used preprocessing and chosen parametric ops. */
  protected cellModules(g: DartsGenotype): (cell: DartsCell, type: DartsCellType) => Module[] {
    return (cell, type) => cell.modulesFor(g[type]);
  }
}
