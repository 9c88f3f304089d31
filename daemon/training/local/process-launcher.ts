/**
 * How the local training service starts a process: directly from the daemon
 * (`direct-launcher.ts`, one fork of the daemon per process) or through the spawner process
 * (`spawner-client.ts`, the default, which keeps fork() off the daemon's event loop).
 * `TrialProcess` drives either through the events below.
 */
import type { Socket } from 'node:net';

/** One process to start: `shell -c script` in `cwd`, in its own process group, fd 3 = channel. */
export interface LaunchRequest {
  shell: string;
  script: string;
  cwd: string;
  /** Plain strings only: the spawner gets it as is (see `buildTrialEnv`). */
  env: Record<string, string>;
}

/**
 * What a launcher reports about one process. Exactly one of `onSpawned` / `onSpawnError`; after
 * `onSpawned`, exactly one of `onExit` / `onLost`. `onChannel` comes at most once and in any
 * order relative to the others (through the spawner the connection may arrive first). Events never
 * come synchronously from inside `launch`.
 */
export interface LaunchEvents {
  /** The process runs; `pid` is also its process-group id. */
  onSpawned(pid: number): void;
  /** The daemon's end of the process's fd 3, paused, with `head`: bytes already read from it. */
  onChannel(socket: Socket, head: Buffer | undefined): void;
  /** The group leader exited (`code` null when a signal ended it). */
  onExit(code: number | null, signal: string | null): void;
  /** The process could not be started; nothing else follows (a channel that came is to be destroyed). */
  onSpawnError(message: string): void;
  /** The process was started but its exit can no longer be observed (the spawner died). */
  onLost(reason: string): void;
}

/** Starts processes for one training service. */
export interface ProcessLauncher {
  /** Starts one process; never throws (failures come as `onSpawnError`). */
  launch(request: LaunchRequest, events: LaunchEvents): void;
  /**
   * Called by the service's shutdown after every process it started has ended: releases what
   * the launcher holds (the spawner process, the channel server). Later launches fail.
   */
  close(): Promise<void>;
}
