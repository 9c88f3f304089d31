/**
 * Starts processes with `child_process.spawn` from the daemon itself: the fallback when the
 * spawner is turned off (NASCTL_SPAWNER=0) and the reference for tests. Every spawn forks the
 * daemon, which blocks its event loop for a time that grows with its resident memory.
 */
import type { Socket } from 'node:net';
import type { LaunchEvents, LaunchRequest, ProcessLauncher } from './process-launcher';
import { spawnGroupLeader } from './spawn-group-leader';

/** One per training service; holds nothing between launches. */
export class DirectLauncher implements ProcessLauncher {
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  /** Spawns at once; `onSpawned` and `onChannel` follow in a microtask, or `onSpawnError` later. */
  launch(request: LaunchRequest, events: LaunchEvents): void {
    if (this.closed) {
      queueMicrotask(() => events.onSpawnError('the local training service is shut down'));
      return;
    }
    const child = spawnGroupLeader(request, 'pipe', (message) => events.onSpawnError(message));
    if (child === undefined) return;
    const { pid } = child;
    const channel = (child.stdio[3] as Socket | null | undefined) ?? undefined;
    channel?.pause();
    child.on('error', (error) => this.log(`trial process ${pid}: ${error.message}`));
    child.once('exit', (code, signal) => events.onExit(code, signal));
    // Never from inside `launch` (see LaunchEvents); 'exit' and channel data come in later turns.
    queueMicrotask(() => {
      events.onSpawned(pid);
      if (channel !== undefined) events.onChannel(channel, undefined);
    });
  }

  /** Nothing to release; later launches fail. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
