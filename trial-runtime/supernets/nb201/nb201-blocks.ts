import * as tf from '@tensorflow/tfjs-core';
import { Module, childPath } from '../../nn/module';
import { Conv2d } from '../../nn/conv2d';
import { BatchNorm } from '../../nn/batch-norm';
import { AvgPool2d } from '../../nn/pooling';
import { ConvBnPair } from '../../nn/conv-bn-pair';
import { NB201_EDGES, NB201_OPS, edgeKey, liveEdges } from './nb201-arch';

/** NB201 `ReLUConvBN`: ReLU -> Conv k x k (pad k//2, no bias) -> BN. */
export class ReluConvBn extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  /** The conv + BN, with its eval fast path (see {@link ConvBnPair}). */
  private readonly pair: ConvBnPair;

  constructor(path: string, inC: number, outC: number, k: number, stride: number, affine: boolean, seed: number) {
    super(path);
    this.conv = this.register(new Conv2d(childPath(path, 'conv'), { inChannels: inC, outChannels: outC, kernelSize: k, stride, init: { kind: 'normal', std: Math.sqrt(2 / (k * k * outC)), seed } }));
    this.bn = this.register(new BatchNorm(childPath(path, 'bn'), { channels: outC, affine }));
    this.pair = new ConvBnPair(this.conv, this.bn);
  }

  /** `fuse` (eval mode only) runs conv + BN as one folded kernel. Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return this.pair.apply(tf.relu(x), training, fuse);
  }

  protected override releaseCaches(): void {
    this.pair.release();
  }
}

/**
 * NB201 reduction block (`ResNetBasicblock`): a = ReLUConvBN 3x3 s2, b = ReLUConvBN 3x3,
 * shortcut = AvgPool 2x2 s2 -> Conv 1x1 (no BN, no bias); output = shortcut + b(a(x)). BN affine.
 */
export class Nb201ResBlock extends Module {
  readonly a: ReluConvBn;
  readonly b: ReluConvBn;
  readonly shortcut: Conv2d;
  private readonly pool = new AvgPool2d({ kernelSize: 2, stride: 2 });

  constructor(path: string, inC: number, outC: number, seeds: () => number) {
    super(path);
    this.a = this.register(new ReluConvBn(childPath(path, 'conv_a'), inC, outC, 3, 2, true, seeds()));
    this.b = this.register(new ReluConvBn(childPath(path, 'conv_b'), outC, outC, 3, 1, true, seeds()));
    this.shortcut = this.register(new Conv2d(childPath(path, 'downsample'), { inChannels: inC, outChannels: outC, kernelSize: 1, init: { kind: 'normal', std: Math.sqrt(2 / outC), seed: seeds() } }));
  }

  /** `fuse` (eval mode only) folds each ReLUConvBN's BN into its conv. Call inside tf.tidy. */
  apply(x: tf.Tensor4D, training: boolean, fuse = false): tf.Tensor4D {
    return tf.add(this.shortcut.apply(this.pool.apply(x)), this.b.apply(this.a.apply(x, training, fuse), training, fuse));
  }
}

/**
 * One NB201 cell with every candidate op on each of its 6 edges (weight sharing within the
 * cell; each cell of the network has its own weights). Parametric candidates: nor_conv_1x1 and
 * nor_conv_3x3 (BN affine-less by default, as the aw_nas supernet).
 */
export class Nb201Cell extends Module {
  /** convs[e] = {1x1, 3x3} of edge e. */
  readonly convs: Array<{ conv1: ReluConvBn; conv3: ReluConvBn }> = [];
  private readonly pool = new AvgPool2d({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });

  constructor(path: string, channels: number, bnAffine: boolean, seeds: () => number) {
    super(path);
    for (const [to, from] of NB201_EDGES) {
      const edge = childPath(path, edgeKey(to, from));
      this.convs.push({
        conv1: this.register(new ReluConvBn(childPath(edge, NB201_OPS[2]), channels, channels, 1, 1, bnAffine, seeds())),
        conv3: this.register(new ReluConvBn(childPath(edge, NB201_OPS[3]), channels, channels, 3, 1, bnAffine, seeds())),
      });
    }
  }

  /** Modules with weights used by `ops` (live parametric edges only). */
  modulesFor(ops: readonly number[]): Module[] {
    const { live, connected } = liveEdges(ops);
    if (!connected) return [];
    const out: Module[] = [];
    ops.forEach((op, e) => {
      const c = this.convs[e] as { conv1: ReluConvBn; conv3: ReluConvBn };
      if (live[e] && op === 2) out.push(c.conv1);
      if (live[e] && op === 3) out.push(c.conv3);
    });
    return out;
  }

  /**
   * Node 3 of the cell (zeros when disconnected; see {@link nb201CellOutput}). `fuse` (eval mode
   * only) runs the conv edges folded. Call inside tf.tidy.
   */
  apply(x: tf.Tensor4D, ops: readonly number[], training: boolean, fuse = false): tf.Tensor4D {
    return nb201CellOutput(x, ops, this.pool, (e, op, src) => {
      const c = this.convs[e] as { conv1: ReluConvBn; conv3: ReluConvBn };
      return (op === 2 ? c.conv1 : c.conv3).apply(src, training, fuse);
    });
  }
}

/**
 * The node sums of an NB201 cell: node_j = sum over live edges i->j of op(node_i), with skip and
 * `pool` (avg-pool 3x3) here and the conv ops (2 = 1x1, 3 = 3x3) from `conv(edge, op, input)`.
 * Returns node 3, or zeros (not linked to the input) when the cell is disconnected. Shared by the
 * plain and the CLOSE cell. Call inside tf.tidy.
 */
export function nb201CellOutput(x: tf.Tensor4D, ops: readonly number[], pool: AvgPool2d, conv: (edge: number, op: 2 | 3, src: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const { live, connected } = liveEdges(ops);
  if (!connected) return tf.zeros(x.shape);
  const nodes: Array<tf.Tensor4D | undefined> = [x, undefined, undefined, undefined];
  NB201_EDGES.forEach(([to, from], e) => {
    if (!live[e]) return;
    const src = nodes[from] as tf.Tensor4D;
    const op = ops[e];
    const y = op === 1 ? src : op === 2 || op === 3 ? conv(e, op, src) : pool.apply(src);
    const prev = nodes[to];
    nodes[to] = prev ? (tf.add(prev, y) as tf.Tensor4D) : y;
  });
  return nodes[3] as tf.Tensor4D;
}
