import type { SgdOptions } from './sgd';
import type { LrScheduleOptions } from './lr-schedule';

/** Checkpoint format version written into every manifest; bumped on incompatible changes. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** The `format` tag of a manifest. */
export const CHECKPOINT_FORMAT = 'nasctl-checkpoint';

/** Where one tensor lies in a `.bin` file: float32 elements from `offset` (in elements). */
export interface TensorEntry {
  name: string;
  shape: number[];
  offset: number;
}

/**
 * `manifest.json` of a checkpoint directory. `weights.bin` holds every supernet variable
 * (trainable and BN running stats) as little-endian float32, concatenated in the root module's
 * `namedWeights()` order; `optimizer.bin` the SGD momentum buffers in `optimizer.entries` order.
 */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Supernet registry name ('spos-cpu', ...). */
  space: string;
  /** Options the supernet was created with (without the process-local `scope`). */
  supernetOptions: Record<string, unknown>;
  /** Completed epochs. */
  epoch: number;
  /** Completed optimizer steps (position in the lr schedule). */
  step: number;
  /** Metrics of the last completed epoch (train loss/accuracy, val accuracy ...). */
  metrics: Record<string, number>;
  /** Compute backend that wrote it ('wasm', 'cpu', ...). */
  backend: string;
  weights: { file: 'weights.bin'; sha256: string; entries: TensorEntry[] };
  optimizer: { file: 'optimizer.bin'; sha256: string; options: SgdOptions; entries: TensorEntry[] } | null;
  /** RNG: every random draw of step s of epoch e comes from createRng(seed, salt, e, s) — no hidden state. */
  rng: { seed: number; scheme: 'per-step' };
  lrSchedule: LrScheduleOptions | null;
  /** Training options and program-specific data (e.g. the architecture for train-arch). */
  extra: Record<string, unknown>;
  createdAt: string;
}

/** Number of float32 elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Options without process-local keys, sorted, for storing and comparing. Pure. */
export function comparableOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(options).sort()) if (k !== 'scope' && k !== 'seed' && options[k] !== undefined) out[k] = options[k];
  return out;
}
