/**
 * Starts processes with `child_process.spawn` from the daemon itself: the fallback when the
 * spawner is turned off (NASCTL_SPAWNER=0) and the reference for tests. Every spawn forks the
 * daemon, which blocks its event loop for a time that grows with its resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { LaunchEvents, LaunchRequest, ProcessLauncher } from './process-launcher';

/** One per training service; holds nothing between launches. */
export class DirectLauncher implements ProcessLauncher {
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  /** Spawns at once; `onSpawned` and `onChannel` come synchronously, or `onSpawnError` later. */
  launch(request: LaunchRequest, events: LaunchEvents): void {
    if (this.closed) {
      queueMicrotask(() => events.onSpawnError('the local training service is shut down'));
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(request.shell, ['-c', request.script], {
        cwd: request.cwd,
        env: request.env,
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      queueMicrotask(() => events.onSpawnError((error as Error).message));
      return;
    }
    const channel = (child.stdio[3] as Socket | null | undefined) ?? undefined;
    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed; 'error' follows and no 'exit'.
      channel?.destroy();
      child.once('error', (error) => events.onSpawnError(error.message));
      return;
    }
    child.on('error', (error) => this.log(`trial process ${pid}: ${error.message}`));
    child.once('exit', (code, signal) => events.onExit(code, signal));
    events.onSpawned(pid);
    if (channel !== undefined) {
      channel.pause();
      events.onChannel(channel, undefined);
    }
  }

  /** Nothing to release; later launches fail. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
