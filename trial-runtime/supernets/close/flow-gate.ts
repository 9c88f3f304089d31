import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import { Module, childPath } from '../../nn/module';
import { Linear } from '../../nn/linear';
import { initTensor } from '../../nn/init';
import type { GateSizes } from './close-options';

/** One edge of an architecture's cell graph: op index on from -> to. */
export interface GateEdge {
  from: number;
  to: number;
  op: number;
}

/** The cell graph the gate embeds, and the (from, to) positions it scores. */
export interface GateGraph {
  edges: readonly GateEdge[];
  positions: ReadonlyArray<readonly [number, number]>;
}

/** Shape of the graphs a {@link FlowGate} embeds. */
export interface FlowGateConfig {
  numOps: number;
  numNodes: number;
  /** The first `numInputs` nodes are inputs: learned embeddings and the GCN residual (NB201 1, NB301 2). */
  numInputs: number;
  numCurriculums: number;
  /** Op index whose edges carry no message (NB201 'none' = 0); undefined when every op does. */
  noneOp?: number;
  sizes: GateSizes;
  /**
   * Cell graphs with input-node embeddings of their own (NB301: 2, normal and reduce cell), picked
   * by `logits(..., group)`; op embeddings and layers are shared. Default 1 (NB201).
   */
  cellGroups?: number;
  /** Non-input nodes start from a learned, zero-initialized embedding per cell group (`other_node_emb` of NB301's `GCNFlowArchEmbedder`); default: constant zeros (NB201). */
  learnedOtherNodes?: boolean;
  /** Factor on each node's summed messages: 0.5 is NB301's mean over a node's two input slots (`DenseGraphOpEdgeFlow`); default 1 (NB201's sum). */
  messageScale?: number;
}

/** PyTorch-like fan-in init of a Linear (variance 1 / (3 fan_in)). */
function fanIn(n: number, seed: number): { kind: 'normal'; std: number; seed: number } {
  return { kind: 'normal', std: 1 / Math.sqrt(3 * n), seed };
}

/**
 * The CLOSE GATE (ALGORITHMS.md §3.2): a GATES flow embedder of the architecture's cell graph
 * (op / node embeddings, a hidden projection, GCN layers `X'_i = Σ_j sigmoid(W_op·emb(op_ij))
 * [op_ij ≠ none] ⊙ (X W)_j + R_i` with R = XW on the input nodes, ReLU between layers) and an MLP
 * per position on `concat(h_from, h_to)` giving `numCurriculums` logits. Weights are created at
 * build; `logits` is pure compute (inside tf.tidy / variableGrads). NB201 uses the defaults;
 * NB301 (`darts-close`) sets `cellGroups`, `learnedOtherNodes` and `messageScale` (see
 * {@link FlowGateConfig}), which add variables only when set.
 */
export class FlowGate extends Module {
  private opEmb?: tf.Variable;
  private nodeEmb?: tf.Variable;
  private otherEmb?: tf.Variable;
  private readonly hidden: Linear;
  private readonly gcn: Array<{ w: Linear; attn: Linear }> = [];
  private readonly mlp: Linear[] = [];
  /** The last Linear (hidden -> numCurriculums): what gate inheritance edits. */
  readonly out: Linear;
  private readonly embSeeds: [number, number];

  constructor(path: string, readonly config: FlowGateConfig, seeds: () => number) {
    super(path);
    const s = config.sizes;
    this.embSeeds = [seeds(), seeds()];
    this.hidden = this.register(new Linear(childPath(path, 'x_hidden'), { inFeatures: s.nodeDim, outFeatures: s.hiddenDim, init: fanIn(s.nodeDim, seeds()) }));
    let d = s.hiddenDim;
    s.gcnDims.forEach((o, i) => {
      this.gcn.push({
        w: this.register(new Linear(childPath(path, `gcns.${i}.weight`), { inFeatures: d, outFeatures: o, bias: false, init: fanIn(d, seeds()) })),
        attn: this.register(new Linear(childPath(path, `gcns.${i}.op_attention`), { inFeatures: s.opDim, outFeatures: o, init: fanIn(s.opDim, seeds()) })),
      });
      d = o;
    });
    d *= 2;
    s.mlpDims.forEach((o, i) => {
      this.mlp.push(this.register(new Linear(childPath(path, `mlp.${i}`), { inFeatures: d, outFeatures: o, init: fanIn(d, seeds()) })));
      d = o;
    });
    this.out = this.register(new Linear(childPath(path, 'mlp.out'), { inFeatures: d, outFeatures: config.numCurriculums, init: fanIn(d, seeds()) }));
  }

  protected override createWeights(scope: string): void {
    const { numOps, numInputs, sizes } = this.config;
    const groups = this.config.cellGroups ?? 1;
    this.opEmb = this.addWeight(scope, 'op_emb', initTensor([numOps, sizes.opDim], { kind: 'normal', std: 1, seed: this.embSeeds[0] }), true);
    this.nodeEmb = this.addWeight(scope, 'input_node_emb', initTensor([groups * numInputs, sizes.nodeDim], { kind: 'normal', std: 1, seed: this.embSeeds[1] }), true);
    if (this.config.learnedOtherNodes === true) this.otherEmb = this.addWeight(scope, 'other_node_emb', tf.zeros([groups, sizes.nodeDim]), true);
  }

  /** Initial node embeddings `[numNodes, nodeDim]` of cell group `group`. Call inside tf.tidy. */
  private initialNodes(group: number): tf.Tensor2D {
    const { numNodes, numInputs, sizes } = this.config;
    const groups = this.config.cellGroups ?? 1;
    if (!Number.isInteger(group) || group < 0 || group >= groups) throw new RangeError(`cell group ${group} is outside 0..${groups - 1}`);
    const inputs = groups === 1 ? (this.nodeEmb as tf.Tensor2D) : (tf.slice(this.nodeEmb as tf.Tensor2D, [group * numInputs, 0], [numInputs, -1]) as tf.Tensor2D);
    const others = this.otherEmb === undefined ? tf.zeros([numNodes - numInputs, sizes.nodeDim]) : tf.tile(tf.slice(this.otherEmb, [group, 0], [1, -1]), [numNodes - numInputs, 1]);
    return tf.concat([inputs, others], 0) as tf.Tensor2D;
  }

  /**
   * Logits `[positions, numCurriculums]` for `graph`, a graph of cell group `group` (default 0).
   * With `dropoutRng` (a training step) the hidden MLP layers drop units with masks drawn from it
   * (seeded, so a resumed run repeats them). Call inside tf.tidy. Assumes edges and positions name
   * nodes < numNodes and ops < numOps; throws RangeError for a group outside 0..cellGroups-1.
   */
  logits(graph: GateGraph, dropoutRng?: Rng, group = 0): tf.Tensor2D {
    this.assertBuilt();
    const { numNodes, numInputs, noneOp, sizes, messageScale } = this.config;
    const E = graph.edges.length;
    const ops = tf.tensor1d(graph.edges.map((e) => e.op), 'int32');
    const froms = tf.tensor1d(graph.edges.map((e) => e.from), 'int32');
    const opE = tf.gather(this.opEmb as tf.Tensor2D, ops) as tf.Tensor2D;
    const mask = tf.tensor2d(graph.edges.map((e) => (e.op === noneOp ? 0 : 1)), [E, 1]);
    const agg = new Float32Array(numNodes * E);
    graph.edges.forEach((e, i) => (agg[e.to * E + i] = 1));
    const A = tf.tensor2d(agg, [numNodes, E]);
    const R = tf.tensor2d(Array.from({ length: numNodes }, (_, i) => (i < numInputs ? 1 : 0)), [numNodes, 1]);
    let x = this.hidden.apply(this.initialNodes(group));
    this.gcn.forEach((layer, i) => {
      const s = layer.w.apply(x);
      const attn = tf.mul(tf.sigmoid(layer.attn.apply(opE)), mask);
      const msg = tf.mul(attn, tf.gather(s, froms)) as tf.Tensor2D;
      const summed = messageScale === undefined ? tf.matMul(A, msg) : tf.mul(tf.matMul(A, msg), messageScale);
      x = tf.add(summed, tf.mul(R, s)) as tf.Tensor2D;
      if (i < this.gcn.length - 1) x = tf.relu(x);
    });
    const P = graph.positions.length;
    let h = tf.concat([tf.gather(x, tf.tensor1d(graph.positions.map((p) => p[0]), 'int32')), tf.gather(x, tf.tensor1d(graph.positions.map((p) => p[1]), 'int32'))], 1) as tf.Tensor2D;
    for (const layer of this.mlp) {
      h = tf.relu(layer.apply(h));
      if (dropoutRng !== undefined && sizes.dropout > 0) {
        const keep = 1 - sizes.dropout;
        const n = P * h.shape[1];
        const m = new Float32Array(n);
        for (let i = 0; i < n; i++) m[i] = dropoutRng.next() < keep ? 1 / keep : 0;
        h = tf.mul(h, tf.tensor2d(m, [P, h.shape[1]]));
      }
    }
    return this.out.apply(h);
  }

  /** Gate inheritance (§3.4): output column `child` of the last Linear (weight and bias) := child + parent, or parent. */
  inheritOutput(child: number, parent: number, mode: 'copy' | 'add'): void {
    tf.tidy(() => {
      for (const v of this.out.trainableVariables()) {
        const cols = v.shape[v.shape.length - 1] as number;
        const onehot = tf.cast(tf.reshape(tf.oneHot(tf.tensor1d([child], 'int32'), cols), [cols]), 'float32');
        const keepMask = tf.sub(1, onehot);
        const src = v.rank === 2 ? tf.slice(v, [0, parent], [-1, 1]) : tf.slice(v, [parent], [1]);
        const base = mode === 'add' ? v : tf.mul(v, keepMask);
        v.assign(tf.add(base, tf.mul(src, onehot)));
      }
    });
  }
}
