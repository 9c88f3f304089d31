import type { KernelConfig, NamedAttrMap, Tensor, Tensor1D, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvPad } from './conv-geometry';

/** Side of the filter tiles: wasm's XNNPACK has a fast depthwise kernel for exactly 5x5 (and 3x3). */
const TILE = 5;

/** Largest filter (taps) wasm runs fast by itself; larger ones are tiled. */
const FAST_DEPTHWISE_TAPS = TILE * TILE;

/** Attributes of wasm's DepthwiseConv2dNative / FusedDepthwiseConv2D that tiling and the SIMD forward read. */
export interface DepthwiseAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  activation?: string;
}

/**
 * True when the conv is NHWC with no activation, 'linear' or 'relu': the attributes the tiled and
 * the SIMD forward paths compute (they add bias and ReLU themselves). Pure; called by both.
 */
export function nhwcLinearOrRelu(a: DepthwiseAttrs): boolean {
  const activationOk = a.activation === undefined || a.activation === 'linear' || a.activation === 'relu';
  return (a.dataFormat ?? 'NHWC') === 'NHWC' && activationOk;
}

/** One 5x5 tile: where it sits in the filter and the explicit padding that lines its output up. */
interface Tile {
  row: number;
  col: number;
  pad: [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * The four tiles of a filter with 5 < kh, kw <= 10, at offsets 0 and k - 5 in each spatial
 * dimension, each with its own explicit padding (the forward padding shifted by the offset), or
 * undefined when a shifted padding would be negative or the output size would differ (then wasm's
 * own kernel runs). Pure.
 */
export function planTiles(info: ReturnType<TfCore['backend_util']['computeConv2DInfo']>): Tile[] | undefined {
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw, strideHeight: sh, strideWidth: sw } = info;
  if (kh <= TILE || kw <= TILE || kh > 2 * TILE || kw > 2 * TILE) return undefined;
  const side = (k: number, d: number, s: number, size: number, out: number, before: number): Array<[number, [number, number]]> | undefined => {
    const sides: Array<[number, [number, number]]> = [];
    for (const off of [0, k - TILE]) {
      const pre = before - off * d;
      const post = (out - 1) * s + (TILE - 1) * d + 1 - size - pre;
      if (pre < 0 || post < 0) return undefined;
      sides.push([off, [pre, post]]);
    }
    return sides;
  };
  const rows = side(kh, dh, sh, info.inHeight, info.outHeight, info.padInfo.top);
  const cols = side(kw, dw, sw, info.inWidth, info.outWidth, info.padInfo.left);
  if (!rows || !cols) return undefined;
  return rows.flatMap(([row, ph]) => cols.map(([col, pw]) => ({ row, col, pad: [[0, 0], ph, pw, [0, 0]] as Tile['pad'] })));
}

/**
 * A depthwise convolution with a 6x6..10x10 filter (7x7 in SPOS) as a sum of four 5x5 depthwise
 * convolutions: tiles at offsets 0 and k-5 of each spatial dimension (the overlap zeroed in the
 * second), each run on the unpadded input with the forward padding shifted by its offset, so no
 * input copy is made. wasm runs 5x5 filters with a specialised kernel and larger ones with a
 * generic one several times slower per tap. Exact up to float summation order. `bias` and a ReLU
 * are applied after the sum (FusedDepthwiseConv2D). Returns undefined, computing nothing, when
 * tiling does not apply (a filter of at most 25 taps, NCHW, another activation, or no tile plan,
 * see {@link planTiles}): then wasm's own kernel should run. Called inside a kernel; returns a new
 * tensor.
 */
export function depthwiseTiled(tf: TfCore, x: Tensor4D, filter: Tensor4D, attrs: NamedAttrMap, bias?: Tensor1D): Tensor4D | undefined {
  const a = attrs as unknown as DepthwiseAttrs;
  const [kh, kw] = filter.shape;
  if (kh * kw <= FAST_DEPTHWISE_TAPS || !nhwcLinearOrRelu(a)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  const tiles = planTiles(info);
  if (!tiles) return undefined;
  return tf.tidy(() => {
    let y: Tensor4D | undefined;
    for (const t of tiles) {
      const fk = tf.slice(filter, [t.row, t.col, 0, 0], [TILE, TILE, -1, -1]);
      // Each tap belongs to one tile: the second tile of a dimension drops the rows / columns
      // (filter index < 5) that the first one covers.
      const zeroRows = t.row === 0 ? 0 : TILE - t.row;
      const zeroCols = t.col === 0 ? 0 : TILE - t.col;
      const masked = zeroRows === 0 && zeroCols === 0 ? fk : tf.mul(fk, overlapMask(tf, zeroRows, zeroCols));
      const part = tf.depthwiseConv2d(x, masked as Tensor4D, [info.strideHeight, info.strideWidth], t.pad, 'NHWC', [info.dilationHeight, info.dilationWidth]);
      y = y === undefined ? part : (tf.add(y, part) as Tensor4D);
    }
    let out = y as Tensor4D;
    if (bias) out = tf.add(out, bias) as Tensor4D;
    if (a.activation === 'relu') out = tf.relu(out);
    return out;
  });
}

/** [5, 5, 1, 1] mask with zeros in the first `rows` rows and the first `cols` columns (taps another tile covers). */
function overlapMask(tf: TfCore, rows: number, cols: number): Tensor {
  const m = new Float32Array(TILE * TILE);
  for (let i = 0; i < TILE; i++) for (let j = 0; j < TILE; j++) m[i * TILE + j] = i < rows || j < cols ? 0 : 1;
  return tf.tensor4d(m, [TILE, TILE, 1, 1]);
}

/** Runs wasm's own kernel `native` on the same inputs (the path for filters it runs fast). */
export function runNative(tf: TfCore, native: KernelConfig, inputs: Record<string, Tensor | undefined>, attrs: NamedAttrMap): Tensor {
  const defined: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) if (v !== undefined) defined[k] = v;
  const out = native.kernelFunc({ inputs: defined, backend: tf.backend(), attrs: attrs as unknown as Record<string, never> }) as TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(out);
}
