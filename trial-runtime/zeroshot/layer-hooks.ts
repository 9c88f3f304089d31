import * as tf from '@tensorflow/tfjs-core';
import { BatchNorm } from '../nn/batch-norm';
import { Conv2d, type ConvSlice } from '../nn/conv2d';
import { Linear } from '../nn/linear';
import type { Module } from '../nn/module';
import { DilatedDepthwiseConv } from '../supernets/darts/darts-ops';

/** A conv or linear layer: the layers zero-shot proxies score (ALGORITHMS.md §6.1). */
export type ScoredLayer = Conv2d | Linear | DilatedDepthwiseConv;

/** What to do to each conv / linear output and to BN during one {@link withLayerHooks} call. */
export interface LayerHooks {
  /**
   * Called with each conv / linear output `y` (NHWC or NC) and the number of weights feeding one
   * output channel (`fanIn`); returns the tensor the network continues with.
   */
  onOutput?: (layer: ScoredLayer, y: tf.Tensor, fanIn: number) => tf.Tensor;
  /** Replace every BatchNorm by the identity (synflow's `bn=False`). */
  removeBatchNorm?: boolean;
}

/** Every conv and linear layer of the tree under `root`, depth first. */
export function scoredLayers(root: Module): ScoredLayer[] {
  const out: ScoredLayer[] = [];
  for (const m of root.walk()) if (m instanceof Conv2d || m instanceof Linear || m instanceof DilatedDepthwiseConv) out.push(m);
  return out;
}

/** Engine-level names of the `weight` variables of conv / linear layers (biases and BN excluded). */
export function scoredWeightNames(root: Module): Set<string> {
  const names = new Set<string>();
  for (const layer of scoredLayers(root)) {
    for (const [key, v] of layer.ownWeights()) if (key.endsWith('weight')) names.add(v.name);
  }
  return names;
}

/**
 * Runs `body` with the layers under `root` patched as `hooks` says, the way PyTorch forward hooks
 * are used by the zero-cost code: each conv / linear instance gets an own `apply` (and
 * `applySliced`) that calls the class method and passes the output through `onOutput`; each
 * BatchNorm an identity `apply` when `removeBatchNorm`. The patches are instance properties,
 * removed in a `finally`, so the modules are unchanged afterwards even when `body` throws.
 * Assumes nothing else patches the same instances concurrently (one proxy at a time).
 */
export function withLayerHooks<T>(root: Module, hooks: LayerHooks, body: () => T): T {
  const patched: Array<{ target: object; key: string }> = [];
  const patch = (target: object, key: string, fn: unknown): void => {
    Object.defineProperty(target, key, { value: fn, configurable: true, writable: true });
    patched.push({ target, key });
  };
  try {
    for (const m of root.walk()) {
      const onOutput = hooks.onOutput;
      if (m instanceof Conv2d && onOutput) {
        const k2 = m.config.kernelSize * m.config.kernelSize;
        patch(m, 'apply', (x: tf.Tensor4D): tf.Tensor4D => onOutput(m, Conv2d.prototype.apply.call(m, x), (k2 * x.shape[3]) / m.config.groups) as tf.Tensor4D);
        patch(m, 'applySliced', (x: tf.Tensor4D, s: ConvSlice): tf.Tensor4D => onOutput(m, Conv2d.prototype.applySliced.call(m, x, s), (k2 * s.inChannels) / (s.groups ?? 1)) as tf.Tensor4D);
      } else if (m instanceof DilatedDepthwiseConv && onOutput) {
        patch(m, 'apply', (x: tf.Tensor4D): tf.Tensor4D => onOutput(m, DilatedDepthwiseConv.prototype.apply.call(m, x), m.kernelSize * m.kernelSize) as tf.Tensor4D);
      } else if (m instanceof Linear && onOutput) {
        patch(m, 'apply', (x: tf.Tensor2D): tf.Tensor2D => onOutput(m, Linear.prototype.apply.call(m, x), x.shape[1]) as tf.Tensor2D);
      } else if (m instanceof BatchNorm && hooks.removeBatchNorm) {
        patch(m, 'apply', (x: tf.Tensor4D): tf.Tensor4D => x);
      }
    }
    return body();
  } finally {
    for (const { target, key } of patched) delete (target as Record<string, unknown>)[key];
  }
}

/** A module whose `apply` returns one tensor (patched by {@link withWrappedApply}). */
type Applicable = Module & { apply: (...args: never[]) => tf.Tensor };

/**
 * Runs `body` with the `apply` of each module in `modules` replaced by `wrap(module, output)`
 * of the class method's output (an instance property, removed in a `finally`).
 */
export function withWrappedApply<T>(modules: readonly Module[], wrap: (m: Module, y: tf.Tensor) => tf.Tensor, body: () => T): T {
  const patched: Module[] = [];
  try {
    for (const m of modules) {
      const original = (Object.getPrototypeOf(m) as Applicable).apply as (...args: unknown[]) => tf.Tensor;
      Object.defineProperty(m, 'apply', { value: (...args: unknown[]): tf.Tensor => wrap(m, original.apply(m, args)), configurable: true, writable: true });
      patched.push(m);
    }
    return body();
  } finally {
    for (const m of patched) delete (m as unknown as Record<string, unknown>).apply;
  }
}
