import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { DARTS_OPS, type DartsEdge } from '../darts/darts-genotype';
import { dartsCellForward, dartsPools, usedStates, type DartsCellShape } from '../darts/darts-cell';
import { DartsReluConvBn, DilConv, FactorizedReduce, SepConv } from '../darts/darts-ops';
import type { WitMode } from './close-supernet';
import type { EdgeGate } from './nb201-close-cell';
import { inheritWeights } from './inherit-weights';

/** A parametric DARTS op of a GLOW block (SepConv, DilConv, FactorizedReduce). */
type GlowOp = Module & { apply(x: tf.Tensor4D, training: boolean, fuse?: boolean): tf.Tensor4D };

/**
 * One GLOW block of a DARTS cell: one instance of each parametric DARTS primitive (C -> C) at one
 * stride, the plain space's ops (`darts-ops`). A stride-2 block also holds the factorized
 * reduction that `skip_connect` is at stride 2. Pools, stride-1 skip and none have no weights.
 */
export class DartsGlowBlock extends Module {
  private readonly ops: ReadonlyMap<number, GlowOp>;

  constructor(path: string, c: number, readonly stride: 1 | 2, seeds: () => number) {
    super(path);
    const ops = new Map<number, GlowOp>();
    ops.set(DARTS_OPS.indexOf('sep_conv_3x3'), this.register(new SepConv(childPath(path, 'sep_conv_3x3'), c, 3, stride, seeds)));
    ops.set(DARTS_OPS.indexOf('sep_conv_5x5'), this.register(new SepConv(childPath(path, 'sep_conv_5x5'), c, 5, stride, seeds)));
    ops.set(DARTS_OPS.indexOf('dil_conv_3x3'), this.register(new DilConv(childPath(path, 'dil_conv_3x3'), c, 3, stride, seeds)));
    ops.set(DARTS_OPS.indexOf('dil_conv_5x5'), this.register(new DilConv(childPath(path, 'dil_conv_5x5'), c, 5, stride, seeds)));
    if (stride === 2) ops.set(DARTS_OPS.indexOf('skip_connect'), this.register(new FactorizedReduce(childPath(path, 'skip_connect'), c, c, seeds)));
    this.ops = ops;
  }

  /** The module of op index `op` in this block, or undefined for an op without weights at this stride. */
  moduleOf(op: number): GlowOp | undefined {
    return this.ops.get(op);
  }
}

/**
 * DARTS / NB301 CLOSE cell (`CloseCell`, ALGORITHMS.md §3.1): the plain cell's preprocessing
 * (unshared), `numCurriculums` stride-1 GLOW blocks and, in a reduction cell, `numCurriculums`
 * stride-2 blocks used by the edges whose source is a cell input (state 0 or 1). The 8 edges
 * (4 nodes x 2 inputs) own no weights: edge e runs its op in the block its gate picks, the stride-2
 * set's block of the same index for a reduction cell's input edges. Weightless ops ignore the gate
 * (Σ_b g_b · op(x) = op(x): the one-hot sums to 1 and its softmax gradient through a constant is 0).
 * Node sums and the output concat of states 2..5 are as in the plain cell.
 */
export class DartsCloseCell extends Module {
  readonly pre0: DartsReluConvBn | FactorizedReduce;
  readonly pre1: DartsReluConvBn;
  /** The stride-1 GLOW blocks. */
  readonly blocks: DartsGlowBlock[] = [];
  /** The stride-2 GLOW blocks (reduction cells only; empty otherwise). */
  readonly reduceBlocks: DartsGlowBlock[] = [];
  /** The weightless pools (stride 1, 2), as the plain cell's. */
  readonly pools = dartsPools();

  constructor(path: string, readonly shape: DartsCellShape, numCurriculums: number, seeds: () => number) {
    super(path);
    const { c } = shape;
    this.pre0 = this.register(shape.reductionPrev ? new FactorizedReduce(childPath(path, 'preprocess0'), shape.cPrevPrev, c, seeds) : new DartsReluConvBn(childPath(path, 'preprocess0'), shape.cPrevPrev, c, 1, 1, seeds()));
    this.pre1 = this.register(new DartsReluConvBn(childPath(path, 'preprocess1'), shape.cPrev, c, 1, 1, seeds()));
    for (let b = 0; b < numCurriculums; b++) this.blocks.push(this.register(new DartsGlowBlock(childPath(path, `glow.${b}`), c, 1, seeds)));
    if (shape.reduction) for (let b = 0; b < numCurriculums; b++) this.reduceBlocks.push(this.register(new DartsGlowBlock(childPath(path, `glow_reduce.${b}`), c, 2, seeds)));
  }

  /** The block set an edge from state `input` uses (stride 2 from a reduction cell's inputs). */
  private setFor(input: number): DartsGlowBlock[] {
    return this.shape.reduction && input < 2 ? this.reduceBlocks : this.blocks;
  }

  /**
   * Modules with weights on the path of `edges` among blocks `0..level-1` (a training step runs
   * every active block of each parametric edge), and the preprocessing of the used inputs.
   */
  modulesFor(edges: readonly DartsEdge[], level: number): Module[] {
    const used = usedStates(edges);
    const out = new Set<Module>();
    if (used[0]) out.add(this.pre0);
    if (used[1]) out.add(this.pre1);
    for (const e of edges) {
      const set = this.setFor(e.input);
      for (let b = 0; b < level; b++) {
        const m = (set[b] as DartsGlowBlock).moduleOf(e.op);
        if (m !== undefined) out.add(m);
      }
    }
    return [...out];
  }

  /** WIT of block `child` from block `parent`, in the stride-1 set and (reduction cells) the stride-2 set. */
  inherit(child: number, parent: number, mode: WitMode): void {
    inheritWeights(this.blocks[child] as Module, this.blocks[parent] as Module, mode);
    if (this.reduceBlocks.length > 0) inheritWeights(this.reduceBlocks[child] as Module, this.reduceBlocks[parent] as Module, mode);
  }

  /**
   * Output state (NHWC, 4c channels) with `gate` over the 8 edges of `edges`. `fuse` (eval mode
   * only) runs every conv + BN folded. Call inside tf.tidy.
   */
  apply(s0: tf.Tensor4D, s1: tf.Tensor4D, edges: readonly DartsEdge[], gate: EdgeGate, training: boolean, fuse = false): tf.Tensor4D {
    return dartsCellForward(this, s0, s1, edges, training, (idx, e, x) => {
      const set = this.setFor(e.input);
      const run = (b: number): tf.Tensor4D => ((set[b] as DartsGlowBlock).moduleOf(e.op) as GlowOp).apply(x, training, fuse);
      if (gate.kind === 'hard') return run(gate.blocks[idx] as number);
      let y = tf.mul(run(0), tf.reshape(tf.slice(gate.weights, [idx, 0], [1, 1]), [])) as tf.Tensor4D;
      for (let b = 1; b < gate.level; b++) y = tf.add(y, tf.mul(run(b), tf.reshape(tf.slice(gate.weights, [idx, b], [1, 1]), []))) as tf.Tensor4D;
      return y;
    }, fuse);
  }
}
