import type { Tensor, Tensor1D, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvGeometry } from '../wasm-gradients/conv-geometry';
import type { SimdModuleLoader, WasmHeapBackend } from './simd-module';

/**
 * Depthwise convolution (channel multiplier 1): its two gradients and the forward conv as calls of
 * the SIMD module on the wasm heap: the output comes from the backend's makeOutput, the module
 * reads the inputs and writes the output at their heap offsets, nothing is copied. Why: the paths
 * these replace (wasm-gradients/depthwise-backprop-*.ts, depthwise-tiled.ts) run wasm's generic
 * depthwise kernel with an [oh, ow] filter (filter gradient), correlate a zero-dilated gradient
 * (input gradient at stride 2) or tile a 7x7 filter into four 5x5 convs, at 1-5 GFLOP/s; see
 * docs/compute.md for measured figures.
 */

/** True when these kernels compute a depthwise conv with this filter: multiplier 1, float32 inputs. */
function fits(multiplier: number, tensors: Tensor[]): boolean {
  return multiplier === 1 && tensors.every((t) => t.dtype === 'float32');
}

/** Heap byte offset of a tensor's data; throws when the tensor is not on this wasm backend. */
function offsetOf(backend: WasmHeapBackend, t: TensorInfo, kernel: string): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error(`nasctl ${kernel} kernel: an input is not on the wasm backend`);
  return data.memoryOffset;
}

/** The shape arguments every export of the module takes, in its order (n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl). */
type ShapeArgs = [number, number, number, number, number, number, number, number, number, number, number, number];

/** The module's shape arguments for a conv geometry (NHWC, multiplier 1). Pure. */
function shapeArgs(g: ConvGeometry): ShapeArgs {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.pad.top, g.pad.left,
  ];
}

/**
 * dL/dW of a depthwise conv, multiplier 1: sums per image in f32 vectors, across images in f64.
 * Called by the DepthwiseConv2dNativeBackpropFilter kernel while the wasm backend is active, with
 * `g` from convGeometry (NHWC, dilation 1). Returns a new [kh, kw, C, 1] tensor, or undefined when
 * the SIMD module is unavailable (the caller falls back) or the filter has a multiplier above 1.
 * Throws Error when the heap cannot hold the kh*kw*C f64 scratch.
 */
export function depthwiseFilterGradSimd(tf: TfCore, loader: SimdModuleLoader, x: Tensor4D, dy: Tensor4D, g: ConvGeometry, multiplier: number): Tensor4D | undefined {
  if (!fits(multiplier, [x, dy])) return undefined;
  const simd = loader.kernelsFor(tf.backend());
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNativeBackpropFilter';
  // Heap offsets never move (heap growth detaches JS views, not offsets), so inputs are read first.
  const xOff = offsetOf(backend, x, kernel);
  const dyOff = offsetOf(backend, dy, kernel);
  const scratchBytes = g.filterHeight * g.filterWidth * g.inChannels * 8;
  const scratch = backend.wasm._malloc(scratchBytes);
  if (scratch === 0) {
    throw new Error(`nasctl ${kernel} kernel: the wasm heap has no room for ${scratchBytes} bytes of scratch; free tensors or use a smaller batch`);
  }
  let out: TensorInfo;
  try {
    out = backend.makeOutput([g.filterHeight, g.filterWidth, g.inChannels, 1], 'float32');
    exports.dwFilterGrad(xOff, dyOff, offsetOf(backend, out, kernel), scratch, ...shapeArgs(g));
  } finally {
    backend.wasm._free(scratch);
  }
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}

/**
 * dL/dx of a depthwise conv, multiplier 1, gathered per input pixel over the taps that reach it.
 * Called by the DepthwiseConv2dNativeBackpropInput kernel while the wasm backend is active, with
 * `g` from convGeometry. Returns a new [N, H, W, C] tensor, or undefined when the SIMD module is
 * unavailable or the filter [kh, kw, C, m] has m > 1 (the caller falls back).
 */
export function depthwiseInputGradSimd(tf: TfCore, loader: SimdModuleLoader, dy: Tensor4D, filter: Tensor4D, g: ConvGeometry): Tensor4D | undefined {
  if (!fits(filter.shape[3], [dy, filter])) return undefined;
  const simd = loader.kernelsFor(tf.backend());
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNativeBackpropInput';
  const dyOff = offsetOf(backend, dy, kernel);
  const filterOff = offsetOf(backend, filter, kernel);
  const out = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  exports.dwInputGrad(dyOff, filterOff, offsetOf(backend, out, kernel), ...shapeArgs(g));
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}

/**
 * Forward depthwise conv, multiplier 1, with an optional per-channel bias and ReLU (the
 * FusedDepthwiseConv2D of SPOS's folded eval layers), gathered per output pixel. Called by the
 * DepthwiseConv2dNative / FusedDepthwiseConv2D kernels for every NHWC, dilation-1 conv with no
 * activation or ReLU (install.ts), with `g` from convGeometry. Returns a new [N, outH, outW, C]
 * tensor, or undefined when the SIMD module is unavailable, the multiplier is above 1 or the bias
 * is not [C].
 */
export function depthwiseForwardSimd(
  tf: TfCore,
  loader: SimdModuleLoader,
  x: Tensor4D,
  filter: Tensor4D,
  g: ConvGeometry,
  bias: Tensor1D | undefined,
  relu: boolean,
): Tensor4D | undefined {
  const tensors = bias === undefined ? [x, filter] : [x, filter, bias];
  if (!fits(filter.shape[3], tensors) || (bias !== undefined && bias.size !== g.inChannels)) return undefined;
  const simd = loader.kernelsFor(tf.backend());
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNative';
  const xOff = offsetOf(backend, x, kernel);
  const filterOff = offsetOf(backend, filter, kernel);
  const biasOff = bias === undefined ? 0 : offsetOf(backend, bias, kernel);
  const out = backend.makeOutput([g.batch, g.outHeight, g.outWidth, g.inChannels], 'float32');
  exports.dwForward(
    xOff, filterOff, biasOff, offsetOf(backend, out, kernel), ...shapeArgs(g),
    bias === undefined ? 0 : 1, relu ? 1 : 0,
  );
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}
