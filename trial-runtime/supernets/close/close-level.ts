import * as tf from '@tensorflow/tfjs-core';
import { Module } from '../../nn/module';

/**
 * The CLOSE curriculum level as a non-trainable scalar variable (`close.level`), so checkpoints
 * carry it and `eval-arch` rebuilds the supernet at the trained level. Starts at 1.
 */
export class CloseLevel extends Module {
  private value?: tf.Variable;

  constructor(readonly max: number) {
    super('close');
  }

  protected override createWeights(scope: string): void {
    this.value = this.addWeight(scope, 'level', tf.scalar(1), false);
  }

  /** The current level (an integer in 1..max; a restored value is rounded and clamped). Assumes built. */
  get(): number {
    this.assertBuilt();
    const v = Math.round((this.value as tf.Variable).dataSync()[0] as number);
    return Math.min(this.max, Math.max(1, v));
  }

  /** Throws RangeError outside 1..max. Assumes built. */
  set(level: number): void {
    this.assertBuilt();
    if (!Number.isInteger(level) || level < 1 || level > this.max) throw new RangeError(`CLOSE level must be an integer in 1..${this.max}, got ${level}`);
    tf.tidy(() => (this.value as tf.Variable).assign(tf.scalar(level)));
  }
}
