import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import type { WitMode } from './close-supernet';
import type { FlowGate, GateGraph } from './flow-gate';
import type { EdgeGate } from './nb201-close-cell';
import { argmaxRows, gumbelNoise, straightThroughGumbel } from './straight-through-gate';

/**
 * The gate side of a gated CLOSE supernet (`nb201-close`, `darts-close`): its {@link FlowGate} and
 * the rng the strategy armed for the next training forward. The supernet registers the gate in its
 * module tree (built and checkpointed with it), turns an architecture into gate graphs (graph `i`
 * is cell group `i`) and delegates `armGate`, `inheritGateRow` and `gateVariables` here. Methods
 * that read the gate's weights assume it is built.
 */
export class CloseGate {
  private armed: Rng | undefined;

  constructor(private readonly gate: FlowGate) {}

  /** Arms the next training-mode forward (see CloseSupernet.armGate). */
  arm(rng: Rng): void {
    this.armed = rng;
  }

  /** Gate inheritance: output `child` of the gate's last Linear := child + parent or parent. */
  inheritRow(child: number, parent: number, mode: WitMode): void {
    this.gate.inheritOutput(child, parent, mode);
  }

  /** The gate's trainable variables. */
  variables(): tf.Variable[] {
    return this.gate.trainableVariables();
  }

  /** Evaluation blocks of each graph's positions: the argmax of the raw logits over the first `level` blocks (all 0 at level 1). */
  argmaxBlocks(graphs: readonly GateGraph[], level: number): number[][] {
    return graphs.map((graph, group) => {
      const rows = graph.positions.length;
      if (level === 1) return new Array<number>(rows).fill(0);
      return tf.tidy(() => argmaxRows(tf.slice(this.gate.logits(graph, undefined, group), [0, 0], [-1, level]).dataSync(), rows, level));
    });
  }

  /**
   * The edge gate of each graph for one forward at `level`. A training forward consumes the armed
   * rng: armed (a training step) and level > 1, every graph's logits draw their dropout masks from
   * it, then its Gumbel noise gives the straight-through soft gates; otherwise the
   * {@link argmaxBlocks} as hard gates. Call inside tf.tidy.
   */
  forwardGates(graphs: readonly GateGraph[], level: number, training: boolean): EdgeGate[] {
    const rng = training ? this.armed : undefined;
    if (training) this.armed = undefined;
    if (rng === undefined || level === 1) return this.argmaxBlocks(graphs, level).map((blocks): EdgeGate => ({ kind: 'hard', blocks }));
    const logits = graphs.map((graph, group) => tf.slice(this.gate.logits(graph, rng, group), [0, 0], [-1, level]) as tf.Tensor2D);
    return logits.map((l): EdgeGate => ({ kind: 'soft', weights: straightThroughGumbel(l, gumbelNoise(rng, l.shape[0] * level)), level }));
  }
}

/** The gated spaces' default curriculum as fractions: block i starts at i / K (cl-2468 for the default 5 blocks: [0, 0.2, 0.4, 0.6, 0.8]). Pure. */
export function evenClSchedule(numCurriculums: number): number[] {
  return Array.from({ length: numCurriculums }, (_, i) => Math.round((1000 * i) / numCurriculums) / 1000);
}
