import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import type { Module } from '../../nn/module';
import type { ArchInput } from '../supernet';
import { DARTS_CELL_TYPES, DARTS_OPS, type DartsCellType, type DartsEdge, type DartsGenotype } from '../darts/darts-genotype';
import { DartsNetwork, resolveDartsShape, type DartsOptions } from '../darts/darts-supernet';
import { DARTS_GATE_SIZES, resolveGateSizes, resolveNumCurriculums, type CloseOptions } from './close-options';
import { CloseGate, evenClSchedule } from './close-gate';
import { CloseLevel } from './close-level';
import type { CloseSupernet, WitMode } from './close-supernet';
import { DartsCloseCell } from './darts-close-cell';
import { FlowGate, type GateGraph } from './flow-gate';
import type { EdgeGate } from './nb201-close-cell';

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
 * the {@link DartsNetwork} of `darts` (search space, genotype strings, FLOPs / params, which do not
 * depend on the gate; the same skeleton: stem, cells with reductions at layers/3 and 2·layers/3,
 * GAP, linear), but each cell holds {@link DartsCloseCell}'s GLOW blocks, and a GATE network
 * (weights of the root) maps (architecture, edge) to a block: NB301's `GCNFlowArchEmbedder` over
 * the normal and the reduce cell graph (per-cell-group input-node embeddings and a learned
 * other-node embedding, shared op embeddings and GCN layers, messages averaged over a node's two
 * input slots, residual on the 2 input nodes) and the per-edge MLP on `concat(h_from, h_to)` of the
 * edge's cell graph. Every normal cell uses the normal graph's gate, every reduction cell the
 * reduce graph's. Training forwards armed by the strategy use the straight-through Gumbel gate
 * (temperature 5, first `level` logits); any other forward uses the argmax of the raw logits.
 * ⚠ Deviations: evaluation takes the argmax of the raw logits (aw_nas adds Gumbel noise, §9);
 * the ops are the plain `darts` space's (affine BN; aw_nas's `closenet` uses `bn_affine: false`
 * and classifier dropout 0.1, which the plain space does not have either).
 */
export class DartsCloseSupernet extends DartsNetwork<DartsCloseCell> implements CloseSupernet {
  readonly numCurriculums: number;
  private readonly gate: CloseGate;
  private readonly levelVar: CloseLevel;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options (the `darts` checks, then the CLOSE ones). */
  constructor(options: DartsCloseOptions = {}) {
    const shape = resolveDartsShape(options);
    const K = resolveNumCurriculums(options.numCurriculums, 5);
    const sizes = resolveGateSizes(options.gate, DARTS_GATE_SIZES);
    super('darts-close', shape, options, (path, cellShape, seeds) => new DartsCloseCell(path, cellShape, K, seeds));
    this.numCurriculums = K;
    const flow = new FlowGate('gate', { numOps: DARTS_OPS.length, numNodes: GATE_NODES, numInputs: GATE_INPUTS, numCurriculums: K, noneOp: 0, sizes, cellGroups: DARTS_CELL_TYPES.length, learnedOtherNodes: true, messageScale: 0.5 }, this.seeds);
    this.gate = new CloseGate(this.add(flow));
    this.levelVar = this.add(new CloseLevel(K));
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
    this.gate.inheritRow(child, parent, mode);
  }

  gateVariables(): tf.Variable[] {
    this.build();
    return this.gate.variables();
  }

  armGate(rng: Rng): void {
    this.gate.arm(rng);
  }

  /** cl-2468 as fractions for the default 5 blocks ([0, 0.2, 0.4, 0.6, 0.8]); K blocks: i / K. */
  defaultClSchedule(): number[] {
    return evenClSchedule(this.numCurriculums);
  }

  /** The block each edge of the normal and of the reduce cell uses at evaluation (argmax of the raw gate logits over the active blocks). */
  gateBlocks(arch: ArchInput): DartsGateBlocks {
    const g = this.genotypeOf(arch);
    this.build();
    const [normal, reduce] = this.gate.argmaxBlocks(gateGraphs(g), this.levelVar.get()) as [number[], number[]];
    return { normal, reduce };
  }

  /** Draws this forward's edge gates (consumes the armed rng in training); each cell uses its type's. */
  protected cellPass(g: DartsGenotype, training: boolean, fuse: boolean): (cell: DartsCloseCell, s0: tf.Tensor4D, s1: tf.Tensor4D, type: DartsCellType) => tf.Tensor4D {
    const [normal, reduce] = this.gate.forwardGates(gateGraphs(g), this.levelVar.get(), training) as [EdgeGate, EdgeGate];
    const gates: Record<DartsCellType, EdgeGate> = { normal, reduce };
    return (cell, s0, s1, type) => cell.apply(s0, s1, g[type], gates[type], training, fuse);
  }

  /**
   * A cell's used preprocessing and its parametric edges' ops in each of the `level` active blocks
   * (a training step runs them all). The gate's variables are not on the path: the strategy trains
   * them ({@link gateVariables}).
   */
  protected cellModules(g: DartsGenotype): (cell: DartsCloseCell, type: DartsCellType) => Module[] {
    const level = this.levelVar.get();
    return (cell, type) => cell.modulesFor(g[type], level);
  }
}

/** The gate graphs of a genotype, in cell-group order (normal = 0, reduce = 1). */
function gateGraphs(g: DartsGenotype): GateGraph[] {
  return DARTS_CELL_TYPES.map((t) => dartsGateGraph(g[t]));
}
