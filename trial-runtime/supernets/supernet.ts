import type * as tf from '@tensorflow/tfjs-core';
import type { CostModel, SearchSpace } from '../../tuners/search-space';
import type { Module } from '../nn/module';

/**
 * An architecture as a caller may give it: NNI trial parameters (`{key: {_value, _idx}}` or
 * `{key: value}`), a plain list of candidate indices in search-space key order, or a space's own
 * string form (NB201 arch string, NDS genotype string).
 */
export type ArchInput = Readonly<Record<string, unknown>> | readonly number[] | string;

/** FLOPs (multiply-accumulates) and parameter count of one architecture. */
export interface ArchCost {
  flops: number;
  params: number;
}

/** Options of `forward`. */
export interface ForwardOptions {
  /** Training mode: batch statistics in BN (and running-stat updates), dropout on. */
  training: boolean;
  /**
   * Seed of dropout in training mode: the same seed (and input, weights) gives the same output.
   * Default: unseeded (a fresh mask each pass).
   */
  seed?: number;
  /**
   * Eval mode only: run each conv + BN (+ ReLU) as one fused kernel with BN folded into cached
   * weights (supernets that support it; others ignore it). Equal to the plain pass within float
   * rounding; ignored while gradients are recorded. Leave it off when something patches layers or
   * kernels to observe them (zero-shot proxies' hooks), since fused layers bypass those.
   */
  fuse?: boolean;
}

/**
 * A weight-sharing supernet over one search space. Every architecture of the space is a path;
 * canonical architectures are index lists: entry i is the chosen candidate index of search-space
 * key i (keys in insertion order).
 */
export interface Supernet {
  /** Registry name ('spos', 'nds-resnet', ...). */
  readonly name: string;
  /** Input shape [height, width, channels] (NHWC without batch). */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Root of the layer tree (variables, namedWeights for checkpoints, BN recalibration). */
  readonly root: Module;

  /** The space in NNI's format; keys in canonical order. Pure, no weights needed. */
  searchSpace(): SearchSpace;
  /**
   * Parses any {@link ArchInput} into canonical indices. Throws ConfigError whose path names the
   * offending key when the architecture is outside the space.
   */
  parseArch(arch: ArchInput): number[];
  /** Canonical indices -> NNI trial parameters `{key: {_value, _idx}}` (or plain values for `choice`). */
  toParameters(arch: ArchInput): Record<string, unknown>;
  /** FLOPs and params of one architecture, analytic (no weights needed). Throws as parseArch. */
  cost(arch: ArchInput): ArchCost;
  /** Additive cost model when cost is a sum over choices, else undefined (use {@link cost}). */
  costModel(): CostModel | undefined;
  /** Creates the weights once (idempotent). `forward` calls it lazily. */
  build(): void;
  /**
   * Logits `[batch, numClasses]` of `arch` for NHWC input `x`. Synchronous; call inside tf.tidy
   * (or tf.variableGrads). In training mode BN running stats of the path are updated.
   */
  forward(x: tf.Tensor4D, arch: ArchInput, options: ForwardOptions): tf.Tensor2D;
  /** Trainable variables on the path of `arch` (what an optimizer should update for it). Builds lazily. */
  variablesForArch(arch: ArchInput): tf.Variable[];
  /** Disposes all weights. */
  dispose(): void;
}
