import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  MaxPoolGradAttrs,
  NamedAttrMap,
  NamedTensorInfoMap,
  Tensor,
  Tensor1D,
  Tensor4D,
  TensorInfo,
  UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';
import { depthwiseFilterGradSimd, depthwiseForwardSimd, depthwiseInputGradSimd } from '../wasm-simd/depthwise-simd';
import { SimdModuleLoader } from '../wasm-simd/simd-module';
import { BATCH_NORM_KERNEL_CONFIGS } from './batch-norm-kernels';
import { convGeometry, type ConvGeometry } from './conv-geometry';
import { conv1x1BackpropFilter, conv1x1BackpropInput, isPointwise } from './conv1x1-backprop';
import { conv2dBackpropFilterFast } from './conv2d-backprop-filter';
import { conv2dBackpropInputFast } from './conv2d-backprop-input';
import { depthwiseBackpropFilterFast } from './depthwise-backprop-filter';
import { depthwiseBackpropInputFast } from './depthwise-backprop-input';
import { depthwiseTiled, nhwcLinearOrRelu, runNative, type DepthwiseAttrs } from './depthwise-tiled';
import { maxPoolGradFixed } from './max-pool-grad';
import { unsortedSegmentSumFast } from './unsorted-segment-sum';

/** Marks kernel functions made here, so a second install recognises them (survives module copies). */
const NASCTL_KERNEL = Symbol.for('nasctl.wasmTrainingKernel');

/** What one `installWasmTrainingKernels` call did. */
export interface InstalledKernels {
  /** Every kernel nasctl provides for wasm (installed now or earlier). */
  kernels: string[];
  /** Kernels that wasm lacked and this call added. */
  added: string[];
  /** wasm's own (slow) kernels this call replaced. */
  replaced: string[];
  /** Restores wasm's original kernels and removes the added ones (only what this call changed). */
  uninstall(): void;
}

/** A kernel's tensor inputs by name; errors name the kernel and the input. */
interface KernelArgs {
  tensor(name: string): Tensor;
  tensor4d(name: string): Tensor4D;
  /** An optional input (undefined when absent). */
  optional(name: string): Tensor | undefined;
}

/**
 * `native` is the kernel wasm had before (undefined when it had none); `simd` instantiates the
 * SIMD module on the active wasm backend's heap (one loader per install).
 */
type Compute = (tf: TfCore, args: KernelArgs, attrs: NamedAttrMap, native: KernelConfig | undefined, simd: SimdModuleLoader) => Tensor;

function kernelArgs(tf: TfCore, inputs: NamedTensorInfoMap, kernel: string): KernelArgs {
  const tensor = (name: string): Tensor => {
    const info: TensorInfo | undefined = inputs[name];
    if (!(info instanceof tf.Tensor)) {
      throw new Error(`nasctl ${kernel} kernel: input '${name}' must be a tensor made by tfjs-core`);
    }
    return info;
  };
  const tensor4d = (name: string): Tensor4D => {
    const t = tensor(name);
    if (t.rank !== 4) throw new Error(`nasctl ${kernel} kernel: input '${name}' must be rank 4, got [${t.shape.join(', ')}]`);
    return t as Tensor4D;
  };
  const optional = (name: string): Tensor | undefined => (inputs[name] === undefined ? undefined : tensor(name));
  return { tensor, tensor4d, optional };
}

/**
 * The geometry of a forward depthwise conv the SIMD kernel computes (NHWC, dilation 1, activation
 * none/linear/relu), else undefined (the caller runs the tiled or wasm's own kernel).
 */
function simdForwardGeometry(tf: TfCore, x: Tensor4D, filter: Tensor4D, attrs: NamedAttrMap): ConvGeometry | undefined {
  const a = attrs as unknown as DepthwiseAttrs;
  const d = a.dilations ?? 1;
  const dilated = typeof d === 'number' ? d !== 1 : d[0] !== 1 || d[1] !== 1;
  if (dilated || !nhwcLinearOrRelu(a)) return undefined;
  return convGeometry(tf, x.shape, filter.shape, a.strides, a.pad, a.dimRoundingMode, true);
}

const COMPUTE: Record<string, Compute> = {
  Conv2DBackpropInput: (tf, args, attrs) => {
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const filter = args.tensor4d('filter');
    const g = convGeometry(tf, a.inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, false, 1, a.dataFormat);
    const dy = args.tensor4d('dy');
    return isPointwise(g) ? conv1x1BackpropInput(tf, dy, filter, g) : conv2dBackpropInputFast(tf, dy, filter, g);
  },
  Conv2DBackpropFilter: (tf, args, attrs) => {
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const x = args.tensor4d('x');
    const g = convGeometry(tf, x.shape, a.filterShape, a.strides, a.pad, a.dimRoundingMode, false, 1, a.dataFormat);
    const dy = args.tensor4d('dy');
    return isPointwise(g) ? conv1x1BackpropFilter(tf, x, dy) : conv2dBackpropFilterFast(tf, x, dy, g);
  },
  DepthwiseConv2dNativeBackpropInput: (tf, args, attrs, _native, simd) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const filter = args.tensor4d('filter');
    const g = convGeometry(tf, a.inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, true, a.dilations);
    const dy = args.tensor4d('dy');
    return depthwiseInputGradSimd(tf, simd, dy, filter, g) ?? depthwiseBackpropInputFast(tf, dy, filter, g);
  },
  DepthwiseConv2dNativeBackpropFilter: (tf, args, attrs, _native, simd) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const x = args.tensor4d('x');
    const g = convGeometry(tf, x.shape, a.filterShape, a.strides, a.pad, a.dimRoundingMode, true, a.dilations);
    const dy = args.tensor4d('dy');
    const m = a.filterShape[3];
    return depthwiseFilterGradSimd(tf, simd, x, dy, g, m) ?? depthwiseBackpropFilterFast(tf, x, dy, g, m);
  },
  UnsortedSegmentSum: (tf, args, attrs) => {
    const a = attrs as unknown as UnsortedSegmentSumAttrs;
    return unsortedSegmentSumFast(tf, args.tensor('x'), args.tensor('segmentIds'), a.numSegments);
  },
  DepthwiseConv2dNative: (tf, args, attrs, native, simd) => {
    if (native === undefined) throw new Error('nasctl DepthwiseConv2dNative kernel: wasm has no DepthwiseConv2dNative to wrap');
    const x = args.tensor4d('x');
    const filter = args.tensor4d('filter');
    const g = simdForwardGeometry(tf, x, filter, attrs);
    const fast = g === undefined ? undefined : depthwiseForwardSimd(tf, simd, x, filter, g, undefined, false);
    return fast ?? depthwiseTiled(tf, x, filter, attrs) ?? runNative(tf, native, { x, filter }, attrs);
  },
  FusedDepthwiseConv2D: (tf, args, attrs, native, simd) => {
    if (native === undefined) throw new Error('nasctl FusedDepthwiseConv2D kernel: wasm has no FusedDepthwiseConv2D to wrap');
    const x = args.tensor4d('x');
    const filter = args.tensor4d('filter');
    const bias = args.optional('bias') as Tensor1D | undefined;
    const prelu = args.optional('preluActivationWeights');
    if (prelu !== undefined) return runNative(tf, native, { x, filter, bias, preluActivationWeights: prelu }, attrs);
    const g = simdForwardGeometry(tf, x, filter, attrs);
    const relu = (attrs as unknown as DepthwiseAttrs).activation === 'relu';
    const fast = g === undefined ? undefined : depthwiseForwardSimd(tf, simd, x, filter, g, bias, relu);
    return fast ?? depthwiseTiled(tf, x, filter, attrs, bias) ?? runNative(tf, native, { x, filter, bias }, attrs);
  },
  MaxPoolGrad: (tf, args, attrs, native) => {
    if (native === undefined) throw new Error('nasctl MaxPoolGrad kernel: wasm has no MaxPoolGrad to wrap');
    const a = attrs as unknown as MaxPoolGradAttrs;
    return maxPoolGradFixed(tf, native, args.tensor4d('dy'), args.tensor4d('input'), args.tensor4d('output'), a);
  },
};

/** Makes a kernel's function from the kernel wasm had before (undefined when it had none). */
type MakeKernel = (native: KernelConfig | undefined) => KernelConfig['kernelFunc'];

/**
 * Every kernel nasctl registers for wasm with its maker: the composites of COMPUTE, then the
 * in-heap batch-norm kernels (a fresh bound copy, so marking it leaves the shared config alone).
 */
function kernelMakers(tf: TfCore): Array<[string, MakeKernel]> {
  const simd = new SimdModuleLoader();
  const composites = Object.entries(COMPUTE).map(([name, compute]): [string, MakeKernel] => [
    name,
    (native) => ({ inputs, attrs }) => compute(tf, kernelArgs(tf, inputs, name), attrs ?? {}, native, simd),
  ]);
  const batchNorm = BATCH_NORM_KERNEL_CONFIGS.map((c): [string, MakeKernel] => [c.kernelName, () => c.kernelFunc.bind(null)]);
  return [...composites, ...batchNorm];
}

function isOurs(config: KernelConfig | undefined): boolean {
  return config !== undefined && NASCTL_KERNEL in config.kernelFunc;
}

/**
 * Called once per process after `@tensorflow/tfjs-backend-wasm` is loaded (selectBackend does it),
 * before training. Registers for backend 'wasm' the gradient kernels it lacks
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput/Filter, and UnsortedSegmentSum for
 * the gradient of gather) and replaces its naive Conv2DBackpropInput and its MaxPoolGrad (wrong
 * for windows whose values are all negative). The convolution gradients run on wasm's fast
 * forward convolutions, except pointwise (1x1, stride 1) conv gradients, which run as plain
 * matMuls (conv1x1-backprop.ts), and depthwise gradients with multiplier 1, which run as
 * hand-written WebAssembly SIMD kernels on the backend's heap (../wasm-simd/; when that module or
 * the backend's memory is unavailable they fall back to the composites). It wraps
 * DepthwiseConv2dNative and FusedDepthwiseConv2D (bias, ReLU) so multiplier-1 NHWC convs run the
 * SIMD forward kernel; without it, filters above 25 taps run as 5x5 tiles (depthwise-tiled.ts) and
 * the rest on wasm's own kernel. It adds NasctlBatchNormTrain and NasctlBatchNormTrainGrad,
 * training-mode batch norm computed in place on the wasm heap (batch-norm-kernels.ts; used by
 * nn/batch-norm-train.ts). Idempotent: a second call changes nothing. Kernels run tfjs ops inside
 * the engine (a composite kernel returning a Tensor, which tfjs-core supports). Throws nothing for
 * a healthy tfjs-core 4.x.
 */
export function installWasmTrainingKernels(tf: TfCore): InstalledKernels {
  const added: string[] = [];
  const replaced: string[] = [];
  const originals: KernelConfig[] = [];
  const makers = kernelMakers(tf);
  for (const [name, make] of makers) {
    const existing = tf.getKernel(name, 'wasm') as KernelConfig | undefined;
    if (isOurs(existing)) continue;
    const kernelFunc = Object.assign(make(existing), { [NASCTL_KERNEL]: true });
    if (existing !== undefined) {
      tf.unregisterKernel(name, 'wasm');
      originals.push(existing);
      replaced.push(name);
    } else {
      added.push(name);
    }
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  }
  return {
    kernels: makers.map(([name]) => name),
    added,
    replaced,
    uninstall: () => {
      for (const name of [...added, ...replaced]) {
        if (isOurs(tf.getKernel(name, 'wasm') as KernelConfig | undefined)) tf.unregisterKernel(name, 'wasm');
      }
      for (const original of originals) tf.registerKernel(original);
    },
  };
}
