/**
 * The one `child_process.spawn` of a local trial process, shared by the direct launcher (in the
 * daemon) and the spawner process (`spawner-main.ts`). Imports node built-ins only (and types),
 * so the spawner stays a bare node process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { SpawnRequest } from './spawner-messages';

/** A child that started: its pid is known (and is its process-group id). */
export type RunningChild = ChildProcess & { readonly pid: number };

/**
 * Starts `shell -c script` in `cwd` with `env`, detached (its own process group, pgid = pid),
 * stdin/stdout/stderr ignored and `fd3` as fd 3 ('pipe': a new socket pair, the daemon's end in
 * `child.stdio[3]`). Returns the child when it runs (it has a pid). Otherwise returns undefined
 * and calls `onFailed` once, asynchronously, with a message naming the shell (and the directory
 * when the start itself failed). Never throws.
 */
export function spawnGroupLeader(
  request: Pick<SpawnRequest, 'shell' | 'script' | 'cwd' | 'env'>,
  fd3: 'pipe' | Socket,
  onFailed: (message: string) => void,
): RunningChild | undefined {
  let child: ChildProcess;
  try {
    child = spawn(request.shell, ['-c', request.script], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', fd3],
    });
  } catch (error) {
    const message = `cannot start "${request.shell}": ${(error as Error).message}`;
    process.nextTick(() => onFailed(message));
    return undefined;
  }
  if (child.pid === undefined) {
    // The start failed: 'error' follows and no 'exit'. A pipe made for fd 3 is not needed.
    (child.stdio[3] as Socket | null | undefined)?.destroy();
    child.once('error', (error) => onFailed(`cannot start "${request.shell}" in ${request.cwd}: ${error.message}`));
    return undefined;
  }
  return child as RunningChild;
}
