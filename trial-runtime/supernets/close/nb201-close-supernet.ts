import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import type { Rng } from '../../../tuners/rng';
import type { CostModel, SearchSpace } from '../../../tuners/search-space';
import type { Module } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { Linear } from '../../nn/linear';
import { globalAvgPool } from '../../nn/pooling';
import { dropout } from '../../nn/activations';
import type { ArchCost, ArchInput, ForwardOptions } from '../supernet';
import { SupernetBase } from '../supernet-base';
import { NB201_EDGES, NB201_OPS, edgeKey, formatNb201ArchString, liveEdges, parseNb201ArchString } from '../nb201/nb201-arch';
import { Nb201ResBlock } from '../nb201/nb201-blocks';
import { nb201CostModel } from '../nb201/nb201-cost';
import type { Nb201Options } from '../nb201/nb201-supernet';
import { NB201_GATE_SIZES, resolveGateSizes, resolveNumCurriculums, type CloseOptions } from './close-options';
import { CloseLevel } from './close-level';
import type { CloseSupernet, WitMode } from './close-supernet';
import { FlowGate, type GateGraph } from './flow-gate';
import { Nb201CloseCell, type EdgeGate } from './nb201-close-cell';
import { argmaxRows, gumbelNoise, straightThroughGumbel } from './straight-through-gate';

/** Options of `nb201-close`: the `nb201` options plus the CLOSE ones. */
export type Nb201CloseOptions = Nb201Options & CloseOptions;

/** The gate's view of an NB201 cell: 4 nodes, the 6 edges with their ops, scored per edge. */
function nb201GateGraph(ops: readonly number[]): GateGraph {
  return { edges: NB201_EDGES.map(([to, from], e) => ({ from, to, op: ops[e] as number })), positions: NB201_EDGES.map(([to, from]) => [from, to] as const) };
}

/**
 * NB201 supernet trained with CLOSE (`nasbench-201-close`, ALGORITHMS.md §3.1–3.3): the `nb201`
 * skeleton (same search space, arch strings, cost and options), but each cell holds
 * `numCurriculums` GLOW blocks, and a GATE network (weights of the root) maps (architecture,
 * edge) to a block, the same for every cell. Training forwards armed by the strategy use the
 * straight-through Gumbel gate (temperature 5, first `level` logits); any other forward uses
 * the argmax of the raw logits.
 * ⚠ Deviation (ALGORITHMS.md §9): aw_nas still adds Gumbel noise at evaluation; we take the
 * argmax of the raw logits, so evaluation is deterministic.
 */
export class Nb201CloseSupernet extends SupernetBase implements CloseSupernet {
  readonly numCurriculums: number;
  private readonly dropoutRate: number;
  private readonly stem: { conv: Conv2d; bn: BatchNorm };
  private readonly body: Array<Nb201CloseCell | Nb201ResBlock> = [];
  private readonly head: { bn: BatchNorm; fc: Linear };
  private readonly gate: FlowGate;
  private readonly levelVar: CloseLevel;
  private readonly model: CostModel;
  private armed: Rng | undefined;

  /** Builds the module tree (no weights yet). Throws ConfigError for bad options. */
  constructor(options: Nb201CloseOptions = {}) {
    const C = options.channels ?? 16;
    const N = options.cellsPerStage ?? 5;
    const inputSize = options.inputSize ?? 32;
    const inChannels = options.inChannels ?? 3;
    const numClasses = options.numClasses ?? 10;
    if (!Number.isInteger(C) || C <= 0) throw new ConfigError('/channels', `must be a positive integer, got ${C}`);
    if (!Number.isInteger(N) || N <= 0) throw new ConfigError('/cellsPerStage', `must be a positive integer, got ${N}`);
    if (!Number.isInteger(inputSize) || inputSize < 4) throw new ConfigError('/inputSize', `must be an integer >= 4, got ${inputSize}`);
    const K = resolveNumCurriculums(options.numCurriculums, 5);
    const sizes = resolveGateSizes(options.gate, NB201_GATE_SIZES);
    const space: SearchSpace = {};
    for (const [to, from] of NB201_EDGES) space[edgeKey(to, from)] = { _type: 'layer_choice', _value: [...NB201_OPS] };
    super({ name: 'nb201-close', inputShape: [inputSize, inputSize, inChannels], numClasses, space, seed: options.seed, scope: options.scope });
    this.numCurriculums = K;
    this.dropoutRate = options.dropout ?? 0.1;
    const seeds = this.seeds;
    this.stem = {
      conv: this.add(new Conv2d('stem.conv', { inChannels, outChannels: C, kernelSize: 3, init: { kind: 'normal', std: Math.sqrt(2 / (9 * C)), seed: seeds() } })),
      bn: this.add(new BatchNorm('stem.bn', { channels: C })),
    };
    const affine = options.cellBnAffine ?? false;
    let layer = 0;
    for (let s = 0; s < 3; s++) {
      const c = C * 2 ** s;
      if (s > 0) this.body.push(this.add(new Nb201ResBlock(`cells.${layer++}`, c / 2, c, seeds)));
      for (let i = 0; i < N; i++) this.body.push(this.add(new Nb201CloseCell(`cells.${layer++}`, c, K, affine, seeds)));
    }
    this.head = {
      bn: this.add(new BatchNorm('lastact.bn', { channels: 4 * C })),
      fc: this.add(new Linear('classifier', { inFeatures: 4 * C, outFeatures: numClasses, init: { kind: 'normal', std: 0.01, seed: seeds() } })),
    };
    this.gate = this.add(new FlowGate('gate', { numOps: NB201_OPS.length, numNodes: 4, numInputs: 1, numCurriculums: K, noneOp: 0, sizes }, seeds));
    this.levelVar = this.add(new CloseLevel(K));
    this.model = nb201CostModel({ channels: C, cellsPerStage: N, inputSize, inChannels, numClasses });
  }

  protected parseArchString(s: string): number[] {
    return parseNb201ArchString(s);
  }

  /** The NB201 arch string (also the architecture key: rollouts join the `nb201` ground truth). */
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

  /** FLOPs / params of the stand-alone architecture (as `nb201`; GLOW blocks and gate are training aids). */
  cost(arch: ArchInput): ArchCost {
    const ops = this.parseArch(arch);
    const total = { ...this.model.base };
    NB201_EDGES.forEach(([to, from], e) => {
      const c = this.model.perChoice[edgeKey(to, from)]?.[NB201_OPS[ops[e] as number]] as ArchCost;
      total.flops += c.flops;
      total.params += c.params;
    });
    return total;
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

  /** The block each edge uses at evaluation (argmax of the raw gate logits over the active blocks). */
  gateBlocks(arch: ArchInput): number[] {
    const ops = this.parseArch(arch);
    this.build();
    const level = this.levelVar.get();
    if (level === 1) return ops.map(() => 0);
    return tf.tidy(() => argmaxRows(tf.slice(this.gate.logits(nb201GateGraph(ops)), [0, 0], [-1, level]).dataSync(), ops.length, level));
  }

  /** The edge gate of one forward; consumes the armed rng in training. Call inside tf.tidy. */
  private edgeGate(ops: readonly number[], training: boolean): EdgeGate {
    const level = this.levelVar.get();
    const rng = training ? this.armed : undefined;
    if (training) this.armed = undefined;
    if (level === 1) return { kind: 'hard', blocks: ops.map(() => 0) };
    if (rng === undefined) return { kind: 'hard', blocks: this.gateBlocks(ops) };
    const logits = tf.slice(this.gate.logits(nb201GateGraph(ops), rng), [0, 0], [-1, level]) as tf.Tensor2D;
    return { kind: 'soft', weights: straightThroughGumbel(logits, gumbelNoise(rng, ops.length * level)), level };
  }

  forward(x: tf.Tensor4D, arch: ArchInput, options: ForwardOptions): tf.Tensor2D {
    const ops = this.parseArch(arch);
    this.build();
    const t = options.training;
    const gate = this.edgeGate(ops, t);
    let y = this.stem.bn.apply(this.stem.conv.apply(x), t);
    for (const m of this.body) y = m instanceof Nb201CloseCell ? m.apply(y, ops, gate, t) : m.apply(y, t);
    y = tf.relu(this.head.bn.apply(y, t));
    return this.head.fc.apply(dropout(globalAvgPool(y), this.dropoutRate, t));
  }

  /**
   * Trainable variables on the path of `arch`: stem, reduction blocks, head, and for every live
   * conv edge its op in each of the `level` active blocks (a training step runs them all). The
   * gate's variables are not included: the strategy trains them ({@link gateVariables}).
   */
  variablesForArch(arch: ArchInput): tf.Variable[] {
    const ops = this.parseArch(arch);
    this.build();
    const head = [this.head.bn, this.head.fc];
    if (!liveEdges(ops).connected) return head.flatMap((m) => m.trainableVariables());
    const level = this.levelVar.get();
    const mods: Module[] = [this.stem.conv, this.stem.bn];
    for (const m of this.body) mods.push(...(m instanceof Nb201CloseCell ? m.modulesFor(ops, level) : [m]));
    return [...mods, ...head].flatMap((m) => m.trainableVariables());
  }
}
