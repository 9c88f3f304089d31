import type { Tensor, Tensor1D, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import type { ConvGeometry } from '../wasm-gradients/conv-geometry';
import { heapOffset } from '../wasm-heap';
import type { SimdKernels, SimdModuleLoader } from './simd-module';

/**
 * Depthwise convolution (channel multiplier 1): its two gradients and the forward conv as calls of
 * the SIMD module on the wasm heap: the output comes from the backend's makeOutput, the module
 * reads the inputs and writes the output at their heap offsets, nothing is copied. Why: the paths
 * these replace (wasm-gradients/depthwise-backprop-*.ts, depthwise-tiled.ts) run wasm's generic
 * depthwise kernel with an [oh, ow] filter (filter gradient), correlate a zero-dilated gradient
 * (input gradient at stride 2) or tile a 7x7 filter into four 5x5 convs, at 1-5 GFLOP/s; see
 * docs/compute.md for measured figures.
 */

/**
 * The SIMD kernels on the active backend when they compute a depthwise conv with this filter
 * (multiplier 1, float32 inputs), else undefined (the caller falls back).
 */
function kernelsFor(tf: TfCore, loader: SimdModuleLoader, multiplier: number, tensors: Tensor[]): SimdKernels | undefined {
  const fits = multiplier === 1 && tensors.every((t) => t.dtype === 'float32');
  return fits ? loader.kernelsFor(tf.backend()) : undefined;
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
  const simd = kernelsFor(tf, loader, multiplier, [x, dy]);
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNativeBackpropFilter';
  // Heap offsets never move (heap growth detaches JS views, not offsets), so inputs are read first.
  const xOff = heapOffset(backend, x, kernel);
  const dyOff = heapOffset(backend, dy, kernel);
  const scratchBytes = g.filterHeight * g.filterWidth * g.inChannels * 8;
  const scratch = backend.wasm._malloc(scratchBytes);
  if (scratch === 0) {
    throw new Error(`nasctl ${kernel} kernel: the wasm heap has no room for ${scratchBytes} bytes of scratch; free tensors or use a smaller batch`);
  }
  let out: TensorInfo;
  try {
    out = backend.makeOutput([g.filterHeight, g.filterWidth, g.inChannels, 1], 'float32');
    exports.dwFilterGrad(xOff, dyOff, heapOffset(backend, out, kernel), scratch, ...shapeArgs(g));
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
  const simd = kernelsFor(tf, loader, filter.shape[3], [dy, filter]);
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNativeBackpropInput';
  const dyOff = heapOffset(backend, dy, kernel);
  const filterOff = heapOffset(backend, filter, kernel);
  const out = backend.makeOutput([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  exports.dwInputGrad(dyOff, filterOff, heapOffset(backend, out, kernel), ...shapeArgs(g));
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
  if (bias !== undefined && bias.size !== g.inChannels) return undefined;
  const simd = kernelsFor(tf, loader, filter.shape[3], tensors);
  if (simd === undefined) return undefined;
  const { backend, exports } = simd;
  const kernel = 'DepthwiseConv2dNative';
  const xOff = heapOffset(backend, x, kernel);
  const filterOff = heapOffset(backend, filter, kernel);
  const biasOff = bias === undefined ? 0 : heapOffset(backend, bias, kernel);
  const out = backend.makeOutput([g.batch, g.outHeight, g.outWidth, g.inChannels], 'float32');
  exports.dwForward(
    xOff, filterOff, biasOff, heapOffset(backend, out, kernel), ...shapeArgs(g),
    bias === undefined ? 0 : 1, relu ? 1 : 0,
  );
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}
