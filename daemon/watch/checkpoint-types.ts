/**
 * What the daemon knows about the checkpoints of a supernet-training experiment: one entry per
 * `epoch_NNN/manifest.json` under the experiment's checkpoint directory, and the Cream board
 * (`board.json`). Shared by the watcher (daemon/watch), the REST routes, the live deltas and the
 * web UI (type-only). Plain JSON values.
 */

/** One checkpoint folder as listed by GET /experiments/{id}/checkpoints and the `checkpoint` delta. */
export interface CheckpointEntry {
  /** Folder name, e.g. `epoch_003`. */
  name: string;
  /** Absolute folder of the checkpoint (what `eval-arch --load` takes). */
  dir: string;
  /** Completed epochs (from the manifest; from the folder name when the manifest is unreadable). */
  epoch: number;
  /** Completed optimizer steps, when the manifest says. */
  step?: number;
  /** Metrics of the epoch (train_loss, train_acc, val_acc, val_loss, lr, ...); empty when unreadable. */
  metrics: Record<string, number>;
  /** Supernet space name of the manifest. */
  space?: string;
  /** Compute backend that wrote it. */
  backend?: string;
  /** ISO time the checkpoint was written (manifest's createdAt, else the file's mtime). */
  createdAt: string;
  /** Why the manifest could not be used (corrupt JSON, not a nasctl manifest); absent when fine. */
  error?: string;
}

/** One architecture of the Cream prioritized board. */
export interface BoardEntry {
  /** Choice index per choice key, in search-space order. */
  arch: number[];
  /** Top-1 accuracy in percent. */
  prec1: number;
  /** MFLOPs. */
  flops: number;
}

/** `<checkpointDirectory>/board.json`, as written by Cream training (atomically: tmp + rename). */
export interface BoardSnapshot {
  updatedAt: string;
  epoch: number;
  step: number;
  entries: BoardEntry[];
}

/** Answer of GET /experiments/{id}/checkpoints. */
export interface CheckpointList {
  /** The watched folder (absolute); null when the experiment names none. */
  directory: string | null;
  /** Whether the daemon is watching it right now (the experiment is running). */
  watching: boolean;
  /** Sorted by epoch, then name. */
  checkpoints: CheckpointEntry[];
}
