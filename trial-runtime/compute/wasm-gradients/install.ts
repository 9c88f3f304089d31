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
import { BATCH_NORM_KERNEL_CONFIGS } from './batch-norm-kernels';
import { convGeometry } from './conv-geometry';
import { conv1x1BackpropFilter, conv1x1BackpropInput, isPointwise } from './conv1x1-backprop';
import { conv2dBackpropFilterFast } from './conv2d-backprop-filter';
import { conv2dBackpropInputFast } from './conv2d-backprop-input';
import { depthwiseBackpropFilterFast } from './depthwise-backprop-filter';
import { depthwiseBackpropInputFast } from './depthwise-backprop-input';
import { depthwiseFilterGradDirect, depthwiseInputGradDirect, isDirectDepthwise } from './depthwise-direct';
import { depthwiseTiled, runNative } from './depthwise-tiled';
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

/** `native` is the kernel wasm had before (undefined when it had none). */
type Compute = (tf: TfCore, args: KernelArgs, attrs: NamedAttrMap, native: KernelConfig | undefined) => Tensor;

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
  DepthwiseConv2dNativeBackpropInput: (tf, args, attrs) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const filter = args.tensor4d('filter');
    const g = convGeometry(tf, a.inputShape, filter.shape, a.strides, a.pad, a.dimRoundingMode, true, a.dilations);
    const dy = args.tensor4d('dy');
    if (!isDirectDepthwise(g, filter.shape[3])) return depthwiseBackpropInputFast(tf, dy, filter, g);
    const values = depthwiseInputGradDirect(filter.dataSync() as Float32Array, dy.dataSync() as Float32Array, g);
    return tf.tensor4d(values, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  },
  DepthwiseConv2dNativeBackpropFilter: (tf, args, attrs) => {
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const x = args.tensor4d('x');
    const g = convGeometry(tf, x.shape, a.filterShape, a.strides, a.pad, a.dimRoundingMode, true, a.dilations);
    const dy = args.tensor4d('dy');
    if (!isDirectDepthwise(g, a.filterShape[3])) return depthwiseBackpropFilterFast(tf, x, dy, g, a.filterShape[3]);
    const values = depthwiseFilterGradDirect(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, g);
    return tf.tensor4d(values, a.filterShape);
  },
  UnsortedSegmentSum: (tf, args, attrs) => {
    const a = attrs as unknown as UnsortedSegmentSumAttrs;
    return unsortedSegmentSumFast(tf, args.tensor('x'), args.tensor('segmentIds'), a.numSegments);
  },
  DepthwiseConv2dNative: (tf, args, attrs, native) => {
    if (native === undefined) throw new Error('nasctl DepthwiseConv2dNative kernel: wasm has no DepthwiseConv2dNative to wrap');
    const x = args.tensor4d('x');
    const filter = args.tensor4d('filter');
    return depthwiseTiled(tf, x, filter, attrs) ?? runNative(tf, native, { x, filter }, attrs);
  },
  FusedDepthwiseConv2D: (tf, args, attrs, native) => {
    if (native === undefined) throw new Error('nasctl FusedDepthwiseConv2D kernel: wasm has no FusedDepthwiseConv2D to wrap');
    const x = args.tensor4d('x');
    const filter = args.tensor4d('filter');
    const bias = args.optional('bias');
    const prelu = args.optional('preluActivationWeights');
    const tiled = prelu === undefined ? depthwiseTiled(tf, x, filter, attrs, bias as Tensor1D | undefined) : undefined;
    return tiled ?? runNative(tf, native, { x, filter, bias, preluActivationWeights: prelu }, attrs);
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
  const composites = Object.entries(COMPUTE).map(([name, compute]): [string, MakeKernel] => [
    name,
    (native) => ({ inputs, attrs }) => compute(tf, kernelArgs(tf, inputs, name), attrs ?? {}, native),
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
 * for windows whose values are all negative). It also wraps DepthwiseConv2dNative and
 * FusedDepthwiseConv2D so filters above 25 taps (7x7) run as 5x5 tiles (depthwise-tiled.ts), others
 * unchanged on wasm's kernel. The convolution gradients run on wasm's fast
 * forward convolutions, except pointwise (1x1, stride 1) conv gradients, which run as plain
 * matMuls (conv1x1-backprop.ts), and stride-2 depthwise gradients (multiplier 1), which run as
 * direct loops (depthwise-direct.ts). It adds NasctlBatchNormTrain and NasctlBatchNormTrainGrad,
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
