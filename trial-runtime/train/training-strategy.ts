import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../tuners/rng';

/** Where a training step is: 0-based epoch, step within the epoch, and optimizer step overall. */
export interface StepContext {
  readonly epoch: number;
  readonly step: number;
  readonly globalStep: number;
}

/** What {@link TrainingStrategy.loss} is given, inside the gradient closure of one step. */
export interface StepLossArgs {
  /** The normalized, augmented batch. */
  readonly xs: tf.Tensor4D;
  readonly labels: tf.Tensor1D;
  /** The student path's logits in training mode (gradients flow through them). */
  readonly logits: tf.Tensor2D;
  readonly arch: readonly number[];
  /** The plain loss: label-smoothed cross-entropy of `logits` (computed on call). */
  readonly baseLoss: () => tf.Scalar;
  readonly ctx: StepContext;
}

/** A finished training step, as {@link TrainingStrategy.afterStep} sees it (after the weight update). */
export interface StepOutcome {
  readonly arch: readonly number[];
  /** Loss and number of correct predictions on the batch, measured before the update. */
  readonly loss: number;
  readonly correct: number;
  readonly size: number;
  /** The batch as trained on (normalized, augmented), NHWC flattened, and its labels. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly lr: number;
  readonly ctx: StepContext;
}

/**
 * How a supernet is trained beyond uniform single-path SPOS (Cream's distillation from a board of
 * prioritized paths, CLOSE's curriculum on the sharing extent). Every member is optional; the
 * trainer falls back to plain SPOS for a missing one. Strategies hold their own state; whatever
 * must survive a resume goes through {@link checkpointState} / {@link restoreState}.
 */
export interface TrainingStrategy {
  /** Short name recorded in checkpoints ('uniform', 'cream', 'close'). */
  readonly name: string;
  /**
   * Called before the first step of each epoch (0-based), also for the first epoch after a
   * resume. Returning `{ restartLr: true }` restarts the learning-rate schedule at this step (it
   * then spans the remaining steps) and clears the momentum buffers (CLOSE's LR restart).
   */
  beginEpoch?(epoch: number): { restartLr?: boolean } | void;
  /** The path of this step; `undefined` uses the trainer's sampler. `rng` is the step's own stream. */
  samplePath?(rng: Rng, ctx: StepContext): number[] | undefined;
  /** Variables trained for `arch` besides the supernet's own (e.g. a gate network). */
  extraVariables?(arch: readonly number[]): tf.Variable[];
  /** The step's loss (default `baseLoss()`); runs inside the gradient closure. */
  loss?(args: StepLossArgs): tf.Scalar;
  /** After the weight update of each step. */
  afterStep?(outcome: StepOutcome): void;
  /** After each epoch's validation, with the epoch's mean training loss (1-based epoch). */
  endEpoch?(epoch: number, trainLoss: number): void;
  /** JSON-serializable state stored in each checkpoint manifest (`extra.strategy.state`). */
  checkpointState?(): Record<string, unknown>;
  /** Restores what {@link checkpointState} wrote. Throws CheckpointError-worthy Error on mismatch. */
  restoreState?(state: Record<string, unknown>): void;
}
