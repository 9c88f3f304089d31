import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Readable, Duplex } from 'node:stream';

/** Compiled program path under dist/. */
export function programPath(name: string): string {
  return path.join(__dirname, '..', '..', '..', 'trial-runtime', 'programs', `${name}.js`);
}

/** Result of a finished child process. */
export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(stream: Readable | null): () => string {
  let text = '';
  stream?.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
}

/** The environment of a standalone run on the CPU backend (no nasctl variables). */
export function standaloneEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NASCTL_TF_BACKEND: 'cpu', ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('NASCTL_') && k !== 'NASCTL_TF_BACKEND' && !(k in extra)) delete env[k];
  return env;
}

/**
 * Runs a program to its exit (killed after `timeoutMs`). `onChannel`, when given, gets the
 * child's fd 3 (a socket pair) to play the daemon.
 */
export function runProgram(name: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000, onChannel?: (channel: Duplex) => void): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [programPath(name), ...args], { env, stdio: ['ignore', 'pipe', 'pipe', onChannel ? 'pipe' : 'ignore'] });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    if (onChannel) onChannel(child.stdio[3] as Duplex);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish in ${timeoutMs} ms; stderr: ${err()}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out(), stderr: err() });
    });
  });
}

/** The JSON metric lines a standalone trial printed. */
export function metricLines(stdout: string): { kind: string; value: unknown }[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; kind: string; value: unknown })
    .filter((m) => m.type === 'metric');
}
