import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import type { ArchCost, ArchInput } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { DARTS_CELL_TYPES, DARTS_OPS, decodeDarts, type DartsCellType, type DartsEdge, type DartsGenotype } from '../darts/darts-genotype';
import { reductionLayers } from '../darts/darts-cost';
import { DartsSupernet, type DartsOptions } from '../darts/darts-supernet';
import { DARTS_GATE_SIZES, resolveGateSizes, resolveNumCurriculums, type CloseOptions } from './close-options';
import { CloseLevel } from './close-level';
import type { CloseSupernet, WitMode } from './close-supernet';
import { DartsCloseCell } from './darts-close-cell';
import { FlowGate, type GateGraph } from './flow-gate';
import type { EdgeGate } from './nb201-close-cell';
import { argmaxRows, gumbelNoise, straightThroughGumbel } from './straight-through-gate';

/** Options of `darts-close`: the `darts` options plus the CLOSE ones (gate default: NB301's sizes). */
export type DartsCloseOptions = DartsOptions & CloseOptions;

/** The GLOW block each of a cell type's 8 edges uses at evaluation (genotype order). */
export type DartsGateBlocks = Record<DartsCellType, number[]>;

/** Cells of the DARTS space: 2 inputs + 4 nodes; edges 2 per node. */
const GATE_NODES = 6;
const GATE_INPUTS = 2;

/**
 * The gate's view of one DARTS cell (normal or reduce) of a genotype: nodes 0, 1 (the cell
 * inputs) and 2..5; edge i runs op `edges[i].op` from state `edges[i].input` into node ⌊i/2⌋ + 2;
 * each of the 8 edges is one gate position (from, to). Pure.
 */
export function dartsGateGraph(edges: readonly DartsEdge[]): GateGraph {
  const to = (i: number): number => Math.floor(i / 2) + GATE_INPUTS;
  return { edges: edges.map((e, i) => ({ from: e.input, to: to(i), op: e.op })), positions: edges.map((e, i) => [e.input, to(i)] as const) };
}

/**
 * DARTS / NAS-Bench-301 supernet trained with CLOSE (aw_nas `closenet`, ALGORITHMS.md §3.1–3.3):
 * the `darts` space (search space, genotype strings, FLOPs / params: delegated to a composed,
 * never-built {@link DartsSupernet} with the same options, so costs do not depend on the gate), the
 * same skeleton (stem, cells with reductions at layers/3 and 2·layers/3, GAP, linear), but each
 * cell holds {@link DartsCloseCell}'s GLOW blocks, and a GATE network (weights of the root) maps
 * (architecture, edge) to a block: NB301's `GCNFlowArchEmbedder` over the normal and the reduce
 * cell graph (per-cell-group input-node embeddings and a learned other-node embedding, shared op
 * embeddings and GCN layers, messages averaged over a node's two input slots, residual on the
 * 2 input nodes) and the per-edge MLP on `concat(h_from, h_to)` of the edge's cell graph. Every
 * normal cell uses the normal graph's gate, every reduction cell the reduce graph's. Training
 * forwards armed by the strategy use the straight-through Gumbel gate (temperature 5, first
 * `level` logits); any other forward uses the argmax of the raw logits.
 * ⚠ Deviations: evaluation takes the argmax of the raw logits (aw_nas adds Gumbel noise, §9);
 * the ops are the plain `darts` space's (affine BN; aw_nas's `closenet` uses `bn_affine: false`
 * and classifier dropout 0.1, which the plain space does not have either).
 */
export class DartsCloseSupernet extends SupernetBase implements CloseSupernet {
  readonly numCurriculums: number;
  private readonly plain: DartsSupernet;
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly cells: DartsCloseCell[] = [];
  private readonly fc: Linear;
  private readonly gate: FlowGate;
  private readonly levelVar: CloseLevel;
  private armed: Rng | undefined;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options (the `darts` checks, then the CLOSE ones). */
  constructor(options: DartsCloseOptions = {}) {
    const plain = new DartsSupernet(options);
    const K = resolveNumCurriculums(options.numCurriculums, 5);
    const sizes = resolveGateSizes(options.gate, DARTS_GATE_SIZES);
    super({ name: 'darts-close', inputShape: plain.inputShape, numClasses: plain.numClasses, space: plain.searchSpace(), seed: options.seed, scope: options.scope });
    this.plain = plain;
    this.numCurriculums = K;
    const shape = plain.networkShape;
    const seeds = this.seeds;
    const cStem = shape.stemMultiplier * shape.channels;
    this.stem = {
      conv: this.add(new Conv2d('stem.conv', { inChannels: shape.inChannels, outChannels: cStem, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * cStem)), seed: seeds() } })),
      bn: this.add(new BatchNorm('stem.bn', { channels: cStem })),
    };
    let [cPrevPrev, cPrev, c] = [cStem, cStem, shape.channels];
    let reductionPrev = false;
    const reductions = reductionLayers(shape.layers);
    for (let i = 0; i < shape.layers; i++) {
      const reduction = reductions.includes(i);
      if (reduction) c *= 2;
      this.cells.push(this.add(new DartsCloseCell(`cells.${i}`, { cPrevPrev, cPrev, c, reduction, reductionPrev }, K, seeds)));
      [cPrevPrev, cPrev] = [cPrev, 4 * c];
      reductionPrev = reduction;
    }
    this.fc = this.add(new Linear('classifier', { inFeatures: cPrev, outFeatures: shape.numClasses, init: { kind: 'normal', std: 0.01, seed: seeds() } }));
    this.gate = this.add(
      new FlowGate('gate', { numOps: DARTS_OPS.length, numNodes: GATE_NODES, numInputs: GATE_INPUTS, numCurriculums: K, noneOp: 0, sizes, cellGroups: DARTS_CELL_TYPES.length, learnedOtherNodes: true, messageScale: 0.5 }, seeds),
    );
    this.levelVar = this.add(new CloseLevel(K));
  }

  /** A DARTS genotype string, checked against the space (as `darts`). */
  protected parseArchString(s: string): number[] {
    return this.plain.parseArch(s);
  }

  /** The decoded genotype of any accepted architecture form. */
  genotypeOf(arch: ArchInput): DartsGenotype {
    return this.plain.genotypeOf(arch);
  }

  /** The DARTS genotype string of an architecture (its key in rollouts), as `darts`. */
  genotype(arch: ArchInput): string {
    return this.plain.genotype(arch);
  }

  /** FLOPs / params of the stand-alone architecture, as `darts` counts them (independent of the gate). */
  cost(arch: ArchInput): ArchCost {
    return this.plain.cost(arch);
  }

  /** Not additive, as `darts`: use {@link cost}. */
  costModel(): undefined {
    return undefined;
  }

  level(): number {
    this.build();
    return this.levelVar.get();
  }

  setLevel(level: number): void {
    this.build();
    this.levelVar.set(level);
  }

  parentBlock(child: number): number {
    return child - 1;
  }

  inheritBlock(child: number, parent: number, mode: WitMode): void {
    this.build();
    for (const cell of this.cells) cell.inherit(child, parent, mode);
  }

  inheritGateRow(child: number, parent: number, mode: WitMode): void {
    this.build();
    this.gate.inheritOutput(child, parent, mode);
  }

  gateVariables(): tf.Variable[] {
    this.build();
    return this.gate.trainableVariables();
  }

  armGate(rng: Rng): void {
    this.armed = rng;
  }

  /** cl-2468 as fractions for the default 5 blocks ([0, 0.2, 0.4, 0.6, 0.8]); K blocks: i / K. */
  defaultClSchedule(): number[] {
    return Array.from({ length: this.numCurriculums }, (_, i) => Math.round((1000 * i) / this.numCurriculums) / 1000);
  }

  /** The block each edge of the normal and of the reduce cell uses at evaluation (argmax of the raw gate logits over the active blocks). */
  gateBlocks(arch: ArchInput): DartsGateBlocks {
    const g = decodeDarts(this.parseArch(arch));
    this.build();
    return this.argmaxBlocks(g, this.levelVar.get());
  }

  private argmaxBlocks(g: DartsGenotype, level: number): DartsGateBlocks {
    const blocks = (t: DartsCellType, group: number): number[] => {
      if (level === 1) return g[t].map(() => 0);
      return tf.tidy(() => argmaxRows(tf.slice(this.gate.logits(dartsGateGraph(g[t]), undefined, group), [0, 0], [-1, level]).dataSync(), g[t].length, level));
    };
    return { normal: blocks('normal', 0), reduce: blocks('reduce', 1) };
  }

  /** The edge gates of one forward; consumes the armed rng in training. Call inside tf.tidy. */
  private edgeGates(g: DartsGenotype, training: boolean): Record<DartsCellType, EdgeGate> {
    const level = this.levelVar.get();
    const rng = training ? this.armed : undefined;
    if (training) this.armed = undefined;
    if (rng === undefined || level === 1) {
      const b = this.argmaxBlocks(g, level);
      return { normal: { kind: 'hard', blocks: b.normal }, reduce: { kind: 'hard', blocks: b.reduce } };
    }
    const logits = DARTS_CELL_TYPES.map((t, group) => tf.slice(this.gate.logits(dartsGateGraph(g[t]), rng, group), [0, 0], [-1, level]) as tf.Tensor2D);
    const soft = (l: tf.Tensor2D): EdgeGate => ({ kind: 'soft', weights: straightThroughGumbel(l, gumbelNoise(rng, l.shape[0] * level)), level });
    return { normal: soft(logits[0] as tf.Tensor2D), reduce: soft(logits[1] as tf.Tensor2D) };
  }

  protected forwardPath(x: tf.Tensor4D, idx: readonly number[], t: boolean): tf.Tensor2D {
    const g = decodeDarts(idx);
    const gates = this.edgeGates(g, t);
    const stem = this.stem.bn.apply(this.stem.conv.apply(x), t);
    let [s0, s1] = [stem, stem];
    for (const cell of this.cells) {
      const type: DartsCellType = cell.shape.reduction ? 'reduce' : 'normal';
      [s0, s1] = [s1, cell.apply(s0, s1, g[type], gates[type], t)];
    }
    return this.fc.apply(globalAvgPool(s1));
  }

  /**
   * As `darts`: the classifier, then backwards through the cells: a cell's used preprocessing
   * and its parametric edges' ops in each of the `level` active blocks (a training step runs them
   * all), and the earlier cells (or stem) whose output a used input reads. The gate's variables
   * are not on the path: the strategy trains them ({@link gateVariables}).
   */
  protected pathModules(idx: readonly number[]): Module[] {
    const g = decodeDarts(idx);
    const level = this.levelVar.get();
    const n = this.cells.length;
    // needed[i + 1]: output of cell i is read (index 0 = stem).
    const needed = new Array<boolean>(n + 1).fill(false);
    needed[n] = true;
    const mods: Module[] = [this.fc];
    for (let i = n - 1; i >= 0; i--) {
      if (!needed[i + 1]) continue;
      const cell = this.cells[i] as DartsCloseCell;
      const used = cell.modulesFor(cell.shape.reduction ? g.reduce : g.normal, level);
      mods.push(...used);
      if (used.includes(cell.pre1)) needed[i] = true;
      if (used.includes(cell.pre0)) needed[Math.max(0, i - 1)] = true;
    }
    if (needed[0]) mods.push(this.stem.conv, this.stem.bn);
    return mods;
  }
}
