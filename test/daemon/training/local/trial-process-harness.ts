/** Test helper: runs one TrialProcess with a given launcher and records what it reports. */
import * as path from 'node:path';
import type { ProcessLauncher } from '../../../../daemon/training/local/process-launcher';
import { TrialProcess, type ProcessExit } from '../../../../daemon/training/local/trial-process';
import { withTimeout } from './recording-listener';

/** What one run saw, with promises to await its events. */
export interface HarnessRun {
  process: TrialProcess;
  lines: string[];
  lineErrors: string[];
  logs: string[];
  /** Resolves with the pid given to onStarted (undefined when it could not start). */
  started: Promise<number | undefined>;
  /** Resolves with the exit given to onExit. */
  exited: Promise<ProcessExit>;
  /** Resolves when a line equal to `line` (or matching it) has arrived. */
  line(match: string | RegExp): Promise<string>;
  /** Resolves when the launcher reported the process lost (the timeout starts at the call). */
  lost(): Promise<string>;
  order: string[];
}

/** Starts `command` in `dir` (logs there) through `launcher`. */
export function runTrialProcess(
  launcher: ProcessLauncher,
  dir: string,
  command: string,
  extra: { cwd?: string; shell?: string; env?: Record<string, string>; killGraceMs?: number; timeoutMs?: number } = {},
): HarnessRun {
  const timeoutMs = extra.timeoutMs ?? 15000;
  const lines: string[] = [];
  const order: string[] = [];
  const waiters: Array<{ match: string | RegExp; resolve: (line: string) => void }> = [];
  let resolveStarted!: (pid: number | undefined) => void;
  let resolveExited!: (exit: ProcessExit) => void;
  let resolveLost!: (reason: string) => void;
  const started = new Promise<number | undefined>((resolve) => (resolveStarted = resolve));
  const exited = new Promise<ProcessExit>((resolve) => (resolveExited = resolve));
  const lost = new Promise<string>((resolve) => (resolveLost = resolve));
  const matches = (line: string, match: string | RegExp): boolean => (typeof match === 'string' ? line === match : match.test(line));
  const run: HarnessRun = {
    process: undefined as unknown as TrialProcess,
    lines,
    lineErrors: [],
    logs: [],
    started: withTimeout(started, timeoutMs, `start of ${command}`),
    exited: withTimeout(exited, timeoutMs, `exit of ${command}`),
    lost: () => withTimeout(lost, timeoutMs, `loss of ${command}`),
    order,
    line(match) {
      const seen = lines.find((line) => matches(line, match));
      if (seen !== undefined) return Promise.resolve(seen);
      return withTimeout(new Promise<string>((resolve) => waiters.push({ match, resolve })), timeoutMs, `line ${String(match)} from ${command}`);
    },
  };
  // Unhandled rejections of promises a test does not await must not fail the run.
  for (const promise of [run.started, run.exited]) promise.catch(() => {});
  run.process = new TrialProcess({
    launcher,
    shell: extra.shell ?? '/bin/bash',
    command,
    cwd: extra.cwd ?? dir,
    env: extra.env ?? { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TOKEN: 'none' },
    stdoutPath: path.join(dir, 'stdout.log'),
    stderrPath: path.join(dir, 'stderr.log'),
    killGraceMs: extra.killGraceMs ?? 2000,
    log: (line) => run.logs.push(line),
    onLine: (line) => {
      lines.push(line);
      order.push('line');
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (matches(line, waiters[i]!.match)) waiters.splice(i, 1)[0]!.resolve(line);
      }
    },
    onLineError: (error) => run.lineErrors.push(error),
    onStarted: (pid) => {
      order.push('started');
      resolveStarted(pid);
    },
    onLost: (reason) => resolveLost(reason),
    onExit: (exit) => {
      order.push('exit');
      resolveExited(exit);
    },
  });
  return run;
}
