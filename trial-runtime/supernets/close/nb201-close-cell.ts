import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { AvgPool2d } from '../../nn/pooling';
import { NB201_OPS, liveEdges } from '../nb201/nb201-arch';
import { ReluConvBn, nb201CellOutput } from '../nb201/nb201-blocks';
import type { WitMode } from './close-supernet';
import { inheritWeights } from './inherit-weights';

/**
 * How a forward picks each edge's GLOW block: `hard` = one block per edge (evaluation, BN
 * recalibration); `soft` = the straight-through one-hot `[6, level]` of a training step, where
 * every active block runs and is weighted (out_e = Σ_b g_eb · Op_b(x)).
 */
export type EdgeGate = { kind: 'hard'; blocks: readonly number[] } | { kind: 'soft'; weights: tf.Tensor2D; level: number };

/** One GLOW block of an NB201 cell: one instance of each parametric primitive (C -> C, stride 1). */
class Nb201GlowBlock extends Module {
  readonly conv1: ReluConvBn;
  readonly conv3: ReluConvBn;
  constructor(path: string, channels: number, affine: boolean, seeds: () => number) {
    super(path);
    this.conv1 = this.register(new ReluConvBn(childPath(path, NB201_OPS[2]), channels, channels, 1, 1, affine, seeds()));
    this.conv3 = this.register(new ReluConvBn(childPath(path, NB201_OPS[3]), channels, channels, 3, 1, affine, seeds()));
  }
}

/**
 * NB201 CLOSE cell (`NB201CloseCell`, ALGORITHMS.md §3.1): `numCurriculums` GLOW blocks; the 6
 * edges own no weights, each uses the block its gate picks. skip / avg-pool / none have no weights,
 * so Σ_b g_b · op(x) = op(x) for them. Node sums and valid-path pruning as the plain cell.
 */
export class Nb201CloseCell extends Module {
  readonly blocks: Nb201GlowBlock[] = [];
  private readonly pool = new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });

  constructor(path: string, channels: number, numCurriculums: number, bnAffine: boolean, seeds: () => number) {
    super(path);
    for (let b = 0; b < numCurriculums; b++) this.blocks.push(this.register(new Nb201GlowBlock(childPath(path, `glow.${b}`), channels, bnAffine, seeds)));
  }

  /** Modules with weights that `ops` may use among blocks `0..level-1` (live conv edges). */
  modulesFor(ops: readonly number[], level: number): Module[] {
    const { live, connected } = liveEdges(ops);
    if (!connected) return [];
    const used = new Set<Module>();
    ops.forEach((op, e) => {
      if (!live[e] || (op !== 2 && op !== 3)) return;
      for (let b = 0; b < level; b++) {
        const blk = this.blocks[b] as Nb201GlowBlock;
        used.add(op === 2 ? blk.conv1 : blk.conv3);
      }
    });
    return [...used];
  }

  /** WIT of block `child` from block `parent` (copy or init + parent). */
  inherit(child: number, parent: number, mode: WitMode): void {
    inheritWeights(this.blocks[child] as Module, this.blocks[parent] as Module, mode);
  }

  /**
   * Node 3 of the cell (zeros when disconnected; see {@link nb201CellOutput}). `fuse` (eval mode
   * only) runs the conv edges folded. Call inside tf.tidy.
   */
  apply(x: tf.Tensor4D, ops: readonly number[], gate: EdgeGate, training: boolean, fuse = false): tf.Tensor4D {
    return nb201CellOutput(x, ops, this.pool, (e, op, src) => {
      const conv = (b: number): tf.Tensor4D => {
        const blk = this.blocks[b] as Nb201GlowBlock;
        return (op === 2 ? blk.conv1 : blk.conv3).apply(src, training, fuse);
      };
      if (gate.kind === 'hard') return conv(gate.blocks[e] as number);
      let y = tf.mul(conv(0), tf.reshape(tf.slice(gate.weights, [e, 0], [1, 1]), [])) as tf.Tensor4D;
      for (let b = 1; b < gate.level; b++) y = tf.add(y, tf.mul(conv(b), tf.reshape(tf.slice(gate.weights, [e, b], [1, 1]), []))) as tf.Tensor4D;
      return y;
    });
  }
}
