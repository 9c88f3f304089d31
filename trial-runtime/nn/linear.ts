import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module';
import { initTensor, type WeightInit } from './init';

/** Configuration of a {@link Linear} layer. */
export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  /** Default normal(0, 0.01) (SPOS / pycls classifier init). */
  init?: WeightInit;
}

/** Fully connected layer, weight `[in, out]`. */
export class Linear extends Module {
  readonly config: Required<LinearConfig>;
  private weight?: tf.Variable;
  private biasVar?: tf.Variable;

  /** Throws RangeError for non-positive sizes. */
  constructor(path: string, config: LinearConfig) {
    super(path);
    if (!Number.isInteger(config.inFeatures) || config.inFeatures <= 0 || !Number.isInteger(config.outFeatures) || config.outFeatures <= 0) {
      throw new RangeError(`Linear '${path}': inFeatures and outFeatures must be positive integers, got ${config.inFeatures}, ${config.outFeatures}`);
    }
    this.config = { inFeatures: config.inFeatures, outFeatures: config.outFeatures, bias: config.bias ?? true, init: config.init ?? { kind: 'normal', std: 0.01 } };
  }

  protected override createWeights(scope: string): void {
    this.weight = this.addWeight(scope, 'weight', initTensor([this.config.inFeatures, this.config.outFeatures], this.config.init), true);
    if (this.config.bias) this.biasVar = this.addWeight(scope, 'bias', tf.zeros([this.config.outFeatures]), true);
  }

  /**
   * `x` is `[batch, inFeatures]`, or `[batch, k]` with k < inFeatures for ordinal sharing (the
   * first k rows of the weight). Call inside tf.tidy. Throws RangeError on a too-wide input.
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    this.assertBuilt();
    const k = x.shape[1];
    if (k > this.config.inFeatures) throw new RangeError(`Linear '${this.path}': input has ${k} features, max ${this.config.inFeatures}`);
    const w = this.weight as tf.Variable;
    const wk = k === this.config.inFeatures ? (w as tf.Tensor2D) : (tf.slice(w, [0, 0], [k, -1]) as tf.Tensor2D);
    const y = tf.matMul(x, wk) as tf.Tensor2D;
    return this.biasVar ? (tf.add(y, this.biasVar) as tf.Tensor2D) : y;
  }
}
