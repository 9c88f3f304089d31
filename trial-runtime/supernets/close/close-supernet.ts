import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../../tuners/rng';
import type { Supernet } from '../supernet';

/** How a new GLOW block is initialized from its parent (WIT): a copy, or aw_nas's `init + parent`. */
export type WitMode = 'copy' | 'add';

/**
 * A supernet trained with CLOSE (ALGORITHMS.md §3): every cell / stage holds `numCurriculums`
 * GLOW blocks, created at build time (so every variable is in `root.namedWeights()` and
 * checkpointed from the start); `level` of them are active. The level is a non-trainable scalar
 * variable of the root (`close.level`), so a checkpoint restores it and `eval-arch` evaluates at
 * the trained level. The 'close' training strategy drives the schedule through these methods.
 */
export interface CloseSupernet extends Supernet {
  readonly numCurriculums: number;
  /** Active blocks (1..numCurriculums). Reads the level variable (builds lazily). */
  level(): number;
  /** Sets the level; throws RangeError outside 1..numCurriculums. Called by the strategy only. */
  setLevel(level: number): void;
  /** The block block `child` (0-based, >= 1) inherits from when it becomes active. Pure. */
  parentBlock(child: number): number;
  /** WIT: block `child` of every cell / stage := parent (copy) or child + parent (add), BN buffers included. */
  inheritBlock(child: number, parent: number, mode: WitMode): void;
  /** Gate inheritance: in the gate's last Linear, output `child` := child + parent ('add') or parent ('copy'). No-op without a gate. */
  inheritGateRow(child: number, parent: number, mode: WitMode): void;
  /** Trainable variables of the gate network ([] for fixed mappings). */
  gateVariables(): tf.Variable[];
  /**
   * Arms the next training-mode forward as a training step: its gate draws Gumbel noise and
   * dropout masks from `rng` and gives the straight-through soft gate; the forward disarms it.
   * Unarmed forwards (evaluation, BN recalibration) use the argmax of the raw gate logits.
   * No-op for fixed mappings.
   */
  armGate(rng: Rng): void;
  /** The space's default curriculum as fractions of the run (the 'close' strategy's default clSchedule). Pure. */
  defaultClSchedule(): number[];
}

/** Whether `net` is a CLOSE supernet (has the level / WIT methods). */
export function isCloseSupernet(net: Supernet): net is CloseSupernet {
  const c = net as Partial<CloseSupernet>;
  return typeof c.setLevel === 'function' && typeof c.inheritBlock === 'function' && typeof c.numCurriculums === 'number';
}
