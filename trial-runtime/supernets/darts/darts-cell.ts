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

/** The weightless pools of a DARTS cell at stride 1 ([0]) and 2 ([1]). */
export type DartsPools = ReadonlyArray<{ max: MaxPool2d; avg: AvgPool2d }>;

/** A cell's pools (no weights: each cell may hold its own). */
export function dartsPools(): DartsPools {
  return [1, 2].map((s) => ({ max: new MaxPool2d({ kernelSize: 3, stride: s, padding: 1 }), avg: new AvgPool2d({ kernelSize: 3, stride: s, padding: 1, countIncludePad: false }) }));
}

/** Runs edge `idx` (op `e.op` on its input state `x`) with a parametric op (sep / dil conv, or a stride-2 skip). */
export type DartsParametricEdge = (idx: number, e: DartsEdge, x: tf.Tensor4D) => tf.Tensor4D;

/**
 * The forward every DARTS cell shares (`darts`, `darts-close`): the used inputs' preprocessing
 * (zeros for an unused input), node k (state k + 2) = edge 2k + edge 2k+1, output = concat of
 * states 2..5. Weightless ops (none, pools, stride-1 skip) run here; `parametric` runs the others.
 * Edges from a reduction cell's inputs have stride 2. `fuse` (eval mode only) runs the
 * preprocessing's conv + BN folded (`parametric` gets its own). Call inside tf.tidy.
 */
export function dartsCellForward(
  cell: { shape: DartsCellShape; pre0: DartsReluConvBn | FactorizedReduce; pre1: DartsReluConvBn; pools: DartsPools },
  s0: tf.Tensor4D,
  s1: tf.Tensor4D,
  edges: readonly DartsEdge[],
  training: boolean,
  parametric: DartsParametricEdge,
  fuse = false,
): tf.Tensor4D {
  const { shape, pools } = cell;
  const used = usedStates(edges);
  const [n, h, w] = s1.shape;
  const outShape: [number, number, number, number] = [n, shape.reduction ? Math.ceil(h / 2) : h, shape.reduction ? Math.ceil(w / 2) : w, shape.c];
  const states: tf.Tensor4D[] = [used[0] ? cell.pre0.apply(s0, training, fuse) : tf.zeros([n, h, w, shape.c]), used[1] ? cell.pre1.apply(s1, training, fuse) : tf.zeros([n, h, w, shape.c])];
  const edgeOutput = (idx: number): tf.Tensor4D => {
    const e = edges[idx] as DartsEdge;
    const x = states[e.input] as tf.Tensor4D;
    const stride = shape.reduction && e.input < 2 ? 2 : 1;
    const pool = pools[stride - 1] as DartsPools[number];
    const op = DARTS_OPS[e.op];
    if (op === 'none') return tf.zeros(outShape);
    if (op === 'max_pool_3x3') return pool.max.apply(x);
    if (op === 'avg_pool_3x3') return pool.avg.apply(x);
    if (op === 'skip_connect' && stride === 1) return x;
    return parametric(idx, e, x);
  };
  for (let k = 0; k < DARTS_NODES; k++) states.push(tf.add(edgeOutput(2 * k), edgeOutput(2 * k + 1)) as tf.Tensor4D);
  return tf.concat(states.slice(2), 3);
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
  /** The weightless pools (stride 1, 2). */
  readonly pools = dartsPools();

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

  /** Output state (NHWC, 4c channels); `fuse` (eval mode only) runs every conv + BN folded. Call inside tf.tidy. */
  apply(s0: tf.Tensor4D, s1: tf.Tensor4D, edges: readonly DartsEdge[], training: boolean, fuse = false): tf.Tensor4D {
    const parametric: DartsParametricEdge = (idx, e, x) => (this.moduleOf(Math.floor(idx / 2), e) as SepConv | DilConv | FactorizedReduce).apply(x, training, fuse);
    return dartsCellForward(this, s0, s1, edges, training, parametric, fuse);
  }
}
