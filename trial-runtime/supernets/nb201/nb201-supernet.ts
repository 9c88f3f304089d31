import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { CostModel, SearchSpace } from '../../../tuners/search-space';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import type { ConvBnPair } from '../../nn/conv-bn-pair';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { dropout } from '../../nn/activations';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { NB201_EDGES, NB201_OPS, edgeKey, formatNb201ArchString, liveEdges, parseNb201ArchString } from './nb201-arch';
import { Nb201Cell, Nb201ResBlock } from './nb201-blocks';
import { nb201CostModel } from './nb201-cost';

/** Options of the NB201 supernet. Defaults = the benchmark (C=16, N=5, CIFAR-10). */
export interface Nb201Options {
  /** Channels of the first stage C; default 16. */
  channels?: number;
  /** Cells per stage N; default 5. */
  cellsPerStage?: number;
  inputSize?: number;
  inChannels?: number;
  numClasses?: number;
  /** Affine BN inside cells (aw_nas supernet: false). Default false. */
  cellBnAffine?: boolean;
  /** Dropout before the classifier (aw_nas supernet: 0.1). */
  dropout?: number;
  seed?: number;
  /** Engine-level variable-name prefix; default 'nb201-<seed>'. */
  scope?: string;
}

/** Creates one cell of an NB201 network (C -> C, stride 1), drawing its init seeds from `seeds`. */
export type Nb201CellFactory<Cell extends Module> = (path: string, channels: number, bnAffine: boolean, seeds: () => number) => Cell;

/**
 * The NAS-Bench-201 cell network around its cells (ALGORITHMS.md §7): stem conv 3x3 + BN; N cells;
 * ResBlock C->2C s2; N cells; ResBlock 2C->4C s2; N cells; BN, ReLU, GAP, dropout, linear. All
 * cells share one genotype (6 edge choices, keys `edge_<to>_<from>`, candidates = op names); each
 * cell has its own weights. Owns options, space, arch strings, cost and the skeleton's forward;
 * the cell type is the subclass's (`nb201`: {@link Nb201Cell}; `nb201-close`: GLOW cells).
 */
export abstract class Nb201Network<Cell extends Module> extends SupernetBase {
  private readonly dropoutRate: number;
  private readonly stem: ConvBnPair;
  /** Cells and reduction blocks in network order. */
  protected readonly body: Array<Cell | Nb201ResBlock> = [];
  private readonly head: { bn: BatchNorm; fc: Linear };
  private readonly model: CostModel;

  /** Builds the module tree (no weights yet): stem, body (cells from `makeCell`), head. Throws ConfigError for bad options. */
  protected constructor(name: string, options: Nb201Options, makeCell: Nb201CellFactory<Cell>) {
    const C = options.channels ?? 16;
    const N = options.cellsPerStage ?? 5;
    const inputSize = options.inputSize ?? 32;
    const inChannels = options.inChannels ?? 3;
    const numClasses = options.numClasses ?? 10;
    if (!Number.isInteger(C) || C <= 0) throw new ConfigError('/channels', `must be a positive integer, got ${C}`);
    if (!Number.isInteger(N) || N <= 0) throw new ConfigError('/cellsPerStage', `must be a positive integer, got ${N}`);
    if (!Number.isInteger(inputSize) || inputSize < 4) throw new ConfigError('/inputSize', `must be an integer >= 4, got ${inputSize}`);
    const space: SearchSpace = {};
    for (const [to, from] of NB201_EDGES) space[edgeKey(to, from)] = { _type: 'layer_choice', _value: [...NB201_OPS] };
    super({ name, inputShape: [inputSize, inputSize, inChannels], numClasses, space, seed: options.seed, scope: options.scope });
    this.dropoutRate = options.dropout ?? 0.1;
    const seeds = this.seeds;
    this.stem = this.addConvBnPair(
      new Conv2d('stem.conv', { inChannels, outChannels: C, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * C)), seed: seeds() } }),
      new BatchNorm('stem.bn', { channels: C }),
    );
    const affine = options.cellBnAffine ?? false;
    let layer = 0;
    for (let s = 0; s < 3; s++) {
      const c = C * 2 ** s;
      if (s > 0) this.body.push(this.add(new Nb201ResBlock(`cells.${layer++}`, c / 2, c, seeds)));
      for (let i = 0; i < N; i++) this.body.push(this.add(makeCell(`cells.${layer++}`, c, affine, seeds)));
    }
    this.head = {
      bn: this.add(new BatchNorm('lastact.bn', { channels: 4 * C })),
      fc: this.add(new Linear('classifier', { inFeatures: 4 * C, outFeatures: numClasses, init: { kind: 'normal', std: 0.01, seed: seeds() } })),
    };
    this.model = nb201CostModel({ channels: C, cellsPerStage: N, inputSize, inChannels, numClasses });
  }

  /**
   * How this forward runs each cell; called once per forward, before the stem (a CLOSE gate is
   * drawn here), inside tf.tidy. `fuse`: eval mode with the folded conv+BN fast path on.
   */
  protected abstract cellPass(ops: readonly number[], training: boolean, fuse: boolean): (cell: Cell, x: tf.Tensor4D) => tf.Tensor4D;
  /** The modules with weights each cell uses for `ops` (connected cells only); called once per variablesForArch. */
  protected abstract cellModules(ops: readonly number[]): (cell: Cell) => Module[];

  /** An NB201 arch string (`|op~0|+|op~0|op~1|+|...|`). */
  protected parseArchString(s: string): number[] {
    return parseNb201ArchString(s);
  }

  /** The NB201 arch string of any accepted architecture form (the architecture key of rollouts and ground truths). */
  genotype(arch: ArchInput): string {
    return formatNb201ArchString(this.parseArch(arch));
  }

  /** Same as {@link genotype}. */
  archString(arch: ArchInput): string {
    return this.genotype(arch);
  }

  costModel(): CostModel {
    return structuredClone(this.model);
  }

  /** FLOPs / params of the stand-alone architecture (the analytic columns of the NB201 table). */
  cost(arch: ArchInput): ArchCost {
    return this.additiveCost(this.model, arch);
  }

  /** `options.fuse` (eval mode only) folds every conv + BN pair (stem, reduction blocks, cell convs). */
  protected forwardPath(x: tf.Tensor4D, ops: readonly number[], t: boolean, options: ForwardOptions): tf.Tensor2D {
    const fuse = !t && options.fuse === true;
    const pass = this.cellPass(ops, t, fuse);
    let y = this.stem.apply(x, t, fuse);
    for (const m of this.body) y = m instanceof Nb201ResBlock ? m.apply(y, t, fuse) : pass(m, y);
    y = tf.relu(this.head.bn.apply(y, t));
    return this.head.fc.apply(dropout(globalAvgPool(y), this.dropoutRate, t, options.seed));
  }

  /**
   * Stem, reduction blocks, the cells' modules, head. When the cell is disconnected (no
   * input->output path) every cell outputs zeros, so only the head remains on the path.
   */
  protected pathModules(ops: readonly number[]): Module[] {
    const head = [this.head.bn, this.head.fc];
    if (!liveEdges(ops).connected) return head;
    const cellModules = this.cellModules(ops);
    const mods: Module[] = [this.stem.conv, this.stem.bn];
    for (const m of this.body) mods.push(...(m instanceof Nb201ResBlock ? [m] : cellModules(m)));
    return [...mods, ...head];
  }
}

/**
 * NAS-Bench-201 supernet (`nb201`): the {@link Nb201Network} with {@link Nb201Cell}s, every
 * candidate op on each edge. Only live edges are computed. Architectures also accept NB201 arch
 * strings.
 */
export class Nb201Supernet extends Nb201Network<Nb201Cell> {
  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: Nb201Options = {}) {
    super('nb201', options, (path, channels, affine, seeds) => new Nb201Cell(path, channels, affine, seeds));
  }

  protected cellPass(ops: readonly number[], training: boolean, fuse: boolean): (cell: Nb201Cell, x: tf.Tensor4D) => tf.Tensor4D {
    return (cell, x) => cell.apply(x, ops, training, fuse);
  }

  protected cellModules(ops: readonly number[]): (cell: Nb201Cell) => Module[] {
    return (cell) => cell.modulesFor(ops);
  }
}
