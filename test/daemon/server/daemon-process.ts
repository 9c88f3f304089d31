/**
 * Test helpers that run the real background daemon (`dist/daemon/server/main.js`) as a child
 * process and talk to it over REST, for the crash/resume tests (local and Slurm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { withTimeout } from '../training/local/recording-listener';

const MAIN = join(__dirname, '..', '..', '..', 'daemon', 'server', 'main.js');

/** A running daemon: its process and the port it serves on. */
export interface DaemonProcess {
  child: ChildProcess;
  port: number;
  /** Everything it printed so far (its log). */
  output(): string;
}

/** Starts the daemon on `home` (port 0: any free one); resolves once it logs that it serves. */
export function startDaemon(home: string, timeoutMs = 20_000): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [MAIN, '--home', home, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d: Buffer): void => {
    out += d.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return withTimeout(
    new Promise((resolve, reject) => {
      const onData = (): void => {
        const m = /serving .* on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          child.stdout!.off('data', onData);
          resolve({ child, port: Number(m[1]), output: () => out });
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`daemon exited with ${code}: ${out}`)));
    }),
    timeoutMs,
    'the daemon to start',
  );
}

/** Kills the daemon with `signal` and resolves when the process is gone. */
export async function killDaemon(daemon: DaemonProcess, signal: NodeJS.Signals): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  const gone = new Promise((resolve) => daemon.child.once('exit', resolve));
  daemon.child.kill(signal);
  await withTimeout(gone, 40_000, `the daemon to exit after ${signal}`);
}

/** One REST call; rejects with the status and body when the answer is not 2xx. */
export async function api<T>(port: number, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Resolves with `probe()`'s value once it is not undefined, asking every `intervalMs`; rejects
 * after `timeoutMs`. For state outside the test's process (Slurm's queue, files written by jobs).
 */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
