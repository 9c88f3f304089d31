/**
 * Side-by-side processes for `run-bench --parallel N`: N children (wasm workers or reference.py)
 * each warm up, print `ready`, and start timing only when every one of them is ready and the
 * parent writes `go` to all, so the timed windows overlap.
 */
import { spawn } from 'node:child_process';

/** A command to run N times side by side. */
export interface ParallelCommand {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `n` copies of `command`, releases them together once all printed `ready`, and resolves
 * with each one's `ms` (from the JSON on its last stdout line). Rejects with the child's stderr if
 * one exits non-zero or prints no result.
 */
export function runSideBySide(command: ParallelCommand, n: number): Promise<number[]> {
  let ready = 0;
  const children = Array.from({ length: n }, () => spawn(command.cmd, command.args, { env: command.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] }));
  return Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.stdout.on('data', (d: Buffer) => {
            const before = out;
            out += d.toString();
            if (!before.includes('ready\n') && out.includes('ready\n') && ++ready === n) for (const c of children) c.stdin.end('go\n');
          });
          child.on('error', reject);
          child.on('close', (code) => {
            const last = out.trim().split('\n').pop() ?? '';
            try {
              if (code !== 0) throw new Error(`exit ${code}`);
              resolve((JSON.parse(last) as { ms: number }).ms);
            } catch (cause) {
              for (const c of children) c.kill();
              reject(new Error(`${command.cmd} ${command.args.join(' ')} failed (${(cause as Error).message}): ${err.slice(-2000)}`));
            }
          });
        }),
    ),
  );
}

/** In a worker: prints `ready` and resolves when the parent writes a line to stdin. */
export function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('data', () => {
      process.stdin.destroy();
      resolve();
    });
    process.stdout.write('ready\n');
  });
}
