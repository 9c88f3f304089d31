import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import type { Module } from '../../nn/module';
import type { ArchInput } from '../supernet';
import { NB201_EDGES, NB201_OPS } from '../nb201/nb201-arch';
import { Nb201Network, type Nb201Options } from '../nb201/nb201-supernet';
import { NB201_GATE_SIZES, resolveGateSizes, resolveNumCurriculums, type CloseOptions } from './close-options';
import { CloseLevel } from './close-level';
import { CloseGate, evenClSchedule } from './close-gate';
import type { CloseSupernet, WitMode } from './close-supernet';
import { FlowGate, type GateGraph } from './flow-gate';
import { Nb201CloseCell, type EdgeGate } from './nb201-close-cell';

/** Options of `nb201-close`: the `nb201` options plus the CLOSE ones. */
export type Nb201CloseOptions = Nb201Options & CloseOptions;

/** The gate's view of an NB201 cell: 4 nodes, the 6 edges with their ops, scored per edge. */
function nb201GateGraph(ops: readonly number[]): GateGraph {
  return { edges: NB201_EDGES.map(([to, from], e) => ({ from, to, op: ops[e] as number })), positions: NB201_EDGES.map(([to, from]) => [from, to] as const) };
}

/**
 * NB201 supernet trained with CLOSE (`nasbench-201-close`, ALGORITHMS.md §3.1–3.3): the `nb201`
 * network ({@link Nb201Network}: same search space, arch strings, cost and options), but each cell holds
 * `numCurriculums` GLOW blocks, and a GATE network (weights of the root) maps (architecture,
 * edge) to a block, the same for every cell. Training forwards armed by the strategy use the
 * straight-through Gumbel gate (temperature 5, first `level` logits); any other forward uses
 * the argmax of the raw logits.
 * ⚠ Deviation (ALGORITHMS.md §9): aw_nas still adds Gumbel noise at evaluation; we take the
 * argmax of the raw logits, so evaluation is deterministic.
 */
export class Nb201CloseSupernet extends Nb201Network<Nb201CloseCell> implements CloseSupernet {
  readonly numCurriculums: number;
  private readonly gate: CloseGate;
  private readonly levelVar: CloseLevel;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: Nb201CloseOptions = {}) {
    const K = resolveNumCurriculums(options.numCurriculums, 5);
    const sizes = resolveGateSizes(options.gate, NB201_GATE_SIZES);
    super('nb201-close', options, (path, channels, affine, seeds) => new Nb201CloseCell(path, channels, K, affine, seeds));
    this.numCurriculums = K;
    this.gate = new CloseGate(this.add(new FlowGate('gate', { numOps: NB201_OPS.length, numNodes: 4, numInputs: 1, numCurriculums: K, noneOp: 0, sizes }, this.seeds)));
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
    for (const m of this.body) if (m instanceof Nb201CloseCell) m.inherit(child, parent, mode);
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

  /** The block each edge uses at evaluation (argmax of the raw gate logits over the active blocks). */
  gateBlocks(arch: ArchInput): number[] {
    const ops = this.parseArch(arch);
    this.build();
    return this.gate.argmaxBlocks([nb201GateGraph(ops)], this.levelVar.get())[0] as number[];
  }

  /** Draws this forward's edge gate (consumes the armed rng in training); every cell uses it. */
  protected cellPass(ops: readonly number[], training: boolean, fuse: boolean): (cell: Nb201CloseCell, x: tf.Tensor4D) => tf.Tensor4D {
    const gate = this.gate.forwardGates([nb201GateGraph(ops)], this.levelVar.get(), training)[0] as EdgeGate;
    return (cell, x) => cell.apply(x, ops, gate, training, fuse);
  }

  /**
   * For every live conv edge its op in each of the `level` active blocks (a training step runs
   * them all). The gate's variables are not on the path: the strategy trains them
   * ({@link gateVariables}).
   */
  protected cellModules(ops: readonly number[]): (cell: Nb201CloseCell) => Module[] {
    const level = this.levelVar.get();
    return (cell) => cell.modulesFor(ops, level);
  }
}
