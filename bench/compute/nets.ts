/**
 * The two benchmark networks, written with plain tfjs-core ops (NHWC), mirrored op for op by
 * reference.py (PyTorch, NCHW). Both take 32x32x3 images and output 10 logits.
 *
 * - conv4: conv3x3 3->32 s1, ReLU; conv3x3 32->32 s2, ReLU; conv3x3 32->64 s1, ReLU;
 *   conv3x3 64->64 s2, ReLU; global average pool; linear 64->10 (no BN).
 * - spos: a CPU-sized SPOS ShuffleNetV2 path (ALGORITHMS.md 1.1 at CIFAR scale): stem conv3x3 3->16
 *   s2 + BN + ReLU (16x16); stages of output channels [32, 64, 128] with [2, 2, 2] blocks (the first
 *   of each stage stride 2: 8x8, 4x4, 2x2) using choices [0, 1, 2, 3, 2, 1] (shuffle k3, k5, k7,
 *   xception, k7, k5); head conv1x1 128->256 + BN + ReLU, global average pool, linear 256->10.
 *   BN is affine-free with batch statistics (training mode), as in the SPOS supernet.
 */
import type { Scalar, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../trial-runtime/compute/tf-core';

/** A network: its trainable variables and forward passes (call inside tidy). */
export interface BenchNet {
  name: string;
  variables: Variable[];
  /** The training-mode forward (BN with batch statistics): what the training step differentiates. */
  forward(x: Tensor4D): Tensor2D;
  /** Inference forward (BN with running statistics, fused kernels where the net has them); default `forward`. */
  infer?(x: Tensor4D): Tensor2D;
  /** Inference forward without fused kernels, to show what fusing gains (when `infer` fuses). */
  inferPlain?(x: Tensor4D): Tensor2D;
  /** Frees everything the net holds; default: dispose `variables`. */
  dispose?(): void;
}

/** Deterministic pseudo-random init (LCG + Box-Muller) so runs are comparable; scale 1/sqrt(fan_in). */
function initValues(n: number, fanIn: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 4294967297;
  };
  const out = new Float32Array(n);
  const scale = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * scale;
  return out;
}

class Params {
  readonly variables: Variable[] = [];
  private seed = 1;
  constructor(private readonly tf: TfCore) {}
  conv(k: number, cin: number, cout: number): Variable {
    return this.add([k, k, cin, cout], k * k * cin);
  }
  depthwise(k: number, c: number): Variable {
    return this.add([k, k, c, 1], k * k);
  }
  dense(cin: number, cout: number): Variable {
    return this.add([cin, cout], cin);
  }
  private add(shape: number[], fanIn: number): Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = this.tf.variable(this.tf.tensor(initValues(n, fanIn, this.seed++), shape));
    this.variables.push(v);
    return v;
  }
}

/** Affine-free batch norm over N, H, W (training mode). */
function batchNorm(tf: TfCore, x: Tensor4D): Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))) as Tensor4D;
}

/** Builds conv4 (see file comment). */
export function buildConv4(tf: TfCore): BenchNet {
  const p = new Params(tf);
  const w = [p.conv(3, 3, 32), p.conv(3, 32, 32), p.conv(3, 32, 64), p.conv(3, 64, 64)];
  const fc = p.dense(64, 10);
  const strides = [1, 2, 1, 2];
  const head = (h: Tensor4D): Tensor2D => tf.matMul(tf.mean(h, [1, 2]) as Tensor2D, fc as Tensor2D);
  return {
    name: 'conv4',
    variables: p.variables,
    forward: (x) => {
      let h = x;
      w.forEach((wi, i) => {
        h = tf.relu(tf.conv2d(h, wi as Tensor4D, strides[i] as number, 'same'));
      });
      return head(h);
    },
    // ReLU fused into the conv kernel: one pass over each activation instead of two.
    infer: (x) => {
      let h = x;
      w.forEach((wi, i) => {
        h = tf.fused.conv2d({ x: h, filter: wi as Tensor4D, strides: strides[i] as number, pad: 'same', activation: 'relu' });
      });
      return head(h);
    },
    inferPlain: (x) => {
      let h = x;
      w.forEach((wi, i) => {
        h = tf.relu(tf.conv2d(h, wi as Tensor4D, strides[i] as number, 'same'));
      });
      return head(h);
    },
  };
}

type Block = (x: Tensor4D) => Tensor4D;

/** Channel shuffle of SPOS: half 0 = even channels, half 1 = odd channels. */
function shuffleHalves(tf: TfCore, x: Tensor4D): [Tensor4D, Tensor4D] {
  const c = x.shape[3];
  const even = tf.tensor1d(Array.from({ length: c / 2 }, (_, i) => 2 * i), 'int32') as Tensor1D;
  const odd = tf.tensor1d(Array.from({ length: c / 2 }, (_, i) => 2 * i + 1), 'int32') as Tensor1D;
  return [tf.gather(x, even, 3) as Tensor4D, tf.gather(x, odd, 3) as Tensor4D];
}

function makeBlock(tf: TfCore, p: Params, choice: number, inp: number, out: number, stride: number): Block {
  const mid = out / 2;
  const branchIn = stride === 1 ? out / 2 : inp;
  const branchOut = out - branchIn;
  const pw = (w: Variable, h: Tensor4D, relu: boolean): Tensor4D => {
    const y = batchNorm(tf, tf.conv2d(h, w as Tensor4D, 1, 'valid'));
    return relu ? tf.relu(y) : y;
  };
  const dw = (w: Variable, h: Tensor4D, s: number): Tensor4D =>
    batchNorm(tf, tf.depthwiseConv2d(h, w as Tensor4D, s, 'same'));
  let main: Block;
  if (choice < 3) {
    const k = 3 + 2 * choice;
    const w1 = p.conv(1, branchIn, mid);
    const wd = p.depthwise(k, mid);
    const w2 = p.conv(1, mid, branchOut);
    main = (h) => pw(w2, dw(wd, pw(w1, h, true), stride), true);
  } else {
    const ws = [p.depthwise(3, branchIn), p.conv(1, branchIn, mid), p.depthwise(3, mid), p.conv(1, mid, mid)];
    const wl = [p.depthwise(3, mid), p.conv(1, mid, branchOut)];
    main = (h) => {
      let y = pw(ws[1] as Variable, dw(ws[0] as Variable, h, stride), true);
      y = pw(ws[3] as Variable, dw(ws[2] as Variable, y, 1), true);
      return pw(wl[1] as Variable, dw(wl[0] as Variable, y, 1), true);
    };
  }
  if (stride === 1) {
    return (x) => {
      const [proj, rest] = shuffleHalves(tf, x);
      return tf.concat([proj, main(rest)], 3);
    };
  }
  const pk = choice < 3 ? 3 + 2 * choice : 3;
  const pd = p.depthwise(pk, inp);
  const pp = p.conv(1, inp, inp);
  return (x) => tf.concat([pw(pp, dw(pd, x, 2), true), main(x)], 3);
}

/** The SPOS path's choices, one per block. */
export const SPOS_CHOICES: readonly number[] = [0, 1, 2, 3, 2, 1];

/** Builds the CPU-sized SPOS ShuffleNetV2 path (see file comment). */
export function buildSpos(tf: TfCore): BenchNet {
  const p = new Params(tf);
  const stem = p.conv(3, 3, 16);
  const blocks: Block[] = [];
  const stages = [32, 64, 128];
  let cin = 16;
  let b = 0;
  for (const cout of stages) {
    for (let r = 0; r < 2; r++) {
      blocks.push(makeBlock(tf, p, SPOS_CHOICES[b++] as number, cin, cout, r === 0 ? 2 : 1));
      cin = cout;
    }
  }
  const head = p.conv(1, 128, 256);
  const fc = p.dense(256, 10);
  return {
    name: 'spos',
    variables: p.variables,
    forward: (x) => {
      let h = tf.relu(batchNorm(tf, tf.conv2d(x, stem as Tensor4D, 2, 'same')));
      for (const block of blocks) h = block(h);
      h = tf.relu(batchNorm(tf, tf.conv2d(h, head as Tensor4D, 1, 'valid')));
      return tf.matMul(tf.mean(h, [1, 2]) as Tensor2D, fc as Tensor2D);
    },
  };
}

/** Mean softmax cross-entropy of logits against integer labels (one-hot inside). */
export function crossEntropy(tf: TfCore, logits: Tensor2D, labels: Tensor1D): Scalar {
  const onehot = tf.oneHot(tf.cast(labels, 'int32') as Tensor1D, logits.shape[1]);
  return tf.losses.softmaxCrossEntropy(onehot, logits) as Scalar;
}
