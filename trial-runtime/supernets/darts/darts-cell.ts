import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { AvgPool2d, MaxPool2d } from '../../nn/pooling';
import { DARTS_NODES, DARTS_OPS, type DartsEdge } from './darts-genotype';
import { DartsReluConvBn, DilConv, FactorizedReduce, SepConv } from './darts-ops';

/** Parametric candidates of one (node, input) edge. */
interface EdgeOps {
  sep3: SepConv;
  sep5: SepConv;
  dil3: DilConv;
  dil5: DilConv;
  /** skip_connect of a stride-2 edge (reduction cell, input 0 or 1). */
  reduce?: FactorizedReduce;
}

/** Shape of one cell. */
export interface DartsCellShape {
  /** Channels of the cell's input states s0, s1. */
  cPrevPrev: number;
  cPrev: number;
  /** Channels of every node (the output has 4 x c). */
  c: number;
  reduction: boolean;
  /** Whether the previous cell halved the resolution (then s0 is factorized-reduced). */
  reductionPrev: boolean;
}

/** Which states of a cell feed the output through non-`none` ops (index 0..5). Pure. */
export function usedStates(edges: readonly DartsEdge[]): boolean[] {
  const used = [false, false, true, true, true, true];
  for (let node = DARTS_NODES - 1; node >= 0; node--) {
    for (let slot = 0; slot < 2; slot++) {
      const e = edges[2 * node + slot] as DartsEdge;
      if (e.op !== 0) used[e.input] = true;
    }
  }
  return used;
}

/**
 * A DARTS cell with every candidate op on every (node, input) edge (weights shared across
 * architectures, one set per cell). node k (state k + 2) = op_a(state_i) + op_b(state_j); the
 * output concatenates states 2..5. Edges from the inputs of a reduction cell have stride 2.
 */
export class DartsCell extends Module {
  readonly pre0: DartsReluConvBn | FactorizedReduce;
  readonly pre1: DartsReluConvBn;
  /** edges[k][i]: candidates from state i into node k. */
  private readonly edges: EdgeOps[][] = [];
  private readonly pools: Array<{ max: MaxPool2d; avg: AvgPool2d }>;

  constructor(path: string, readonly shape: DartsCellShape, seeds: () => number) {
    super(path);
    const { c } = shape;
    this.pre0 = this.register(shape.reductionPrev ? new FactorizedReduce(childPath(path, 'preprocess0'), shape.cPrevPrev, c, seeds) : new DartsReluConvBn(childPath(path, 'preprocess0'), shape.cPrevPrev, c, 1, 1, seeds()));
    this.pre1 = this.register(new DartsReluConvBn(childPath(path, 'preprocess1'), shape.cPrev, c, 1, 1, seeds()));
    for (let k = 0; k < DARTS_NODES; k++) {
      const row: EdgeOps[] = [];
      for (let i = 0; i < k + 2; i++) {
        const stride = shape.reduction && i < 2 ? 2 : 1;
        const p = childPath(path, `n${k + 2}_from${i}`);
        const ops: EdgeOps = {
          sep3: this.register(new SepConv(childPath(p, 'sep_conv_3x3'), c, 3, stride, seeds)),
          sep5: this.register(new SepConv(childPath(p, 'sep_conv_5x5'), c, 5, stride, seeds)),
          dil3: this.register(new DilConv(childPath(p, 'dil_conv_3x3'), c, 3, stride, seeds)),
          dil5: this.register(new DilConv(childPath(p, 'dil_conv_5x5'), c, 5, stride, seeds)),
        };
        if (stride === 2) ops.reduce = this.register(new FactorizedReduce(childPath(p, 'skip_connect'), c, c, seeds));
        row.push(ops);
      }
      this.edges.push(row);
    }
    this.pools = [1, 2].map((s) => ({ max: new MaxPool2d({ kernelSize: 3, stride: s, padding: 1 }), avg: new AvgPool2d({ kernelSize: 3, stride: s, padding: 1, countIncludePad: false }) }));
  }

  /** The module an edge's op uses, or undefined for weightless ops. */
  private moduleOf(node: number, e: DartsEdge): Module | undefined {
    const ops = (this.edges[node] as EdgeOps[])[e.input] as EdgeOps;
    switch (DARTS_OPS[e.op]) {
      case 'sep_conv_3x3':
        return ops.sep3;
      case 'sep_conv_5x5':
        return ops.sep5;
      case 'dil_conv_3x3':
        return ops.dil3;
      case 'dil_conv_5x5':
        return ops.dil5;
      case 'skip_connect':
        return ops.reduce;
      default:
        return undefined;
    }
  }

  /** Modules with weights on the path of `edges`, given which of the two inputs are used. */
  modulesFor(edges: readonly DartsEdge[]): Module[] {
    const used = usedStates(edges);
    const out: Module[] = [];
    if (used[0]) out.push(this.pre0);
    if (used[1]) out.push(this.pre1);
    edges.forEach((e, idx) => {
      const m = e.op === 0 ? undefined : this.moduleOf(Math.floor(idx / 2), e);
      if (m && !out.includes(m)) out.push(m);
    });
    return out;
  }

  /** Output state (NHWC, 4c channels). Call inside tf.tidy. */
  apply(s0: tf.Tensor4D, s1: tf.Tensor4D, edges: readonly DartsEdge[], training: boolean): tf.Tensor4D {
    const used = usedStates(edges);
    const states: tf.Tensor4D[] = [];
    const [n, h, w] = s1.shape;
    const outH = this.shape.reduction ? Math.ceil(h / 2) : h;
    const outW = this.shape.reduction ? Math.ceil(w / 2) : w;
    states.push(used[0] ? this.pre0.apply(s0, training) : tf.zeros([n, h, w, this.shape.c]));
    states.push(used[1] ? this.pre1.apply(s1, training) : tf.zeros([n, h, w, this.shape.c]));
    for (let k = 0; k < DARTS_NODES; k++) {
      let sum: tf.Tensor4D | undefined;
      for (let slot = 0; slot < 2; slot++) {
        const e = edges[2 * k + slot] as DartsEdge;
        const y = this.applyOp(k, e, states[e.input] as tf.Tensor4D, training, [n, outH, outW, this.shape.c]);
        sum = sum ? (tf.add(sum, y) as tf.Tensor4D) : y;
      }
      states.push(sum as tf.Tensor4D);
    }
    return tf.concat(states.slice(2), 3);
  }

  private applyOp(node: number, e: DartsEdge, x: tf.Tensor4D, training: boolean, outShape: [number, number, number, number]): tf.Tensor4D {
    const stride = this.shape.reduction && e.input < 2 ? 2 : 1;
    const pools = this.pools[stride - 1] as { max: MaxPool2d; avg: AvgPool2d };
    const op = DARTS_OPS[e.op];
    if (op === 'none') return tf.zeros(outShape);
    if (op === 'max_pool_3x3') return pools.max.apply(x);
    if (op === 'avg_pool_3x3') return pools.avg.apply(x);
    if (op === 'skip_connect' && stride === 1) return x;
    return (this.moduleOf(node, e) as SepConv | DilConv | FactorizedReduce).apply(x, training);
  }
}
