/**
 * One local child process (a spawn-mode trial or a reuse worker) in its own process group, with
 * stdout/stderr going to files and the protocol channel on fd 3. The shell opens (creates) the
 * two log files itself, in the child, before it runs the command: file creation costs 45-200 us
 * of journaling each on ext4, which the daemon's event loop no longer pays per trial.
 *
 * Lifecycle: constructed = spawned. Channel lines are delivered through `onLine`/`onLineError`.
 * When the leader exits, whatever is left in its group is SIGKILLed (orphans must not keep GPUs),
 * the channel is drained, and `onExit` fires once, after every line; `finished` then resolves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { LineDecoder, type LineSink } from '../../../trial-runtime/protocol/line-decoder';
import type { TrialExit } from '../training-service';
import { signalGroup, waitForGroupGone } from './process-group';

/** How the process ended. */
export interface ProcessExit {
  exitCode?: number;
  signal?: string;
  /** Set when the process could not be started at all. */
  spawnError?: string;
}

/**
 * How a trial ended, from how its process ended: `cause` when the service decided it (kill,
 * timeout), else 'lost' when the process could not start and 'exited' otherwise. The spawn error
 * (else `detail`) becomes the detail; an empty stderr tail is left out. Called by the spawn-mode
 * service and by reuse workers.
 */
export function trialExitOf(
  trialId: string,
  exit: ProcessExit,
  cause: TrialExit['cause'] | undefined,
  stderrTail: string,
  detail?: string,
): TrialExit {
  const result: TrialExit = { trialId, cause: cause ?? (exit.spawnError ? 'lost' : 'exited') };
  if (exit.exitCode !== undefined) result.exitCode = exit.exitCode;
  if (exit.signal !== undefined) result.signal = exit.signal;
  if (stderrTail !== '') result.stderrTail = stderrTail;
  const why = exit.spawnError ?? detail;
  if (why !== undefined) result.detail = why;
  return result;
}

/** Exit status of the shell when it cannot open the log files (then it runs nothing). */
const LOGS_UNAVAILABLE = 126;

/** Everything needed to start one process. */
export interface TrialProcessOptions extends LineSink {
  shell: string;
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutPath: string;
  stderrPath: string;
  /** SIGTERM -> SIGKILL delay of `kill()`; also how long to wait for the channel after exit. */
  killGraceMs: number;
  /** Called once, after the last line. */
  onExit(exit: ProcessExit): void;
  log: (line: string) => void;
}

/** Owns one child. Construct it to spawn; never throws (spawn failures become an exit). */
export class TrialProcess {
  /** Process id = process group id; undefined when spawning failed. */
  readonly pid: number | undefined;
  /** Resolves after `onExit` ran. */
  readonly finished: Promise<void>;
  private readonly options: TrialProcessOptions;
  private readonly channel: Socket | undefined;
  private readonly decoder: LineDecoder;
  private exit: ProcessExit | undefined;
  private done = false;
  private resolveFinished!: () => void;
  private killTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(options: TrialProcessOptions) {
    this.options = options;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    this.decoder = new LineDecoder(options);
    const problem = checkCwd(options.cwd);
    if (problem !== undefined) {
      this.pid = undefined;
      queueMicrotask(() => this.complete({ spawnError: problem }));
      return;
    }
    let child: ChildProcess;
    // The first line of the script points stdout/stderr at the log files (appending); the user's
    // command follows unchanged, run by the same shell.
    const script = `exec >>${shellQuote(options.stdoutPath)} 2>>${shellQuote(options.stderrPath)} || exit ${LOGS_UNAVAILABLE}\n${options.command}`;
    try {
      child = spawn(options.shell, ['-c', script], {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      this.pid = undefined;
      queueMicrotask(() => this.complete({ spawnError: `cannot start "${options.command}": ${(error as Error).message}` }));
      return;
    }
    this.pid = child.pid;
    const channel = child.stdio[3] as Socket | null;
    this.channel = channel ?? undefined;
    if (channel) {
      channel.on('data', (chunk: Buffer) => this.decoder.push(chunk));
      channel.on('error', (error) => options.log(`trial channel (pid ${this.pid}): ${error.message}`));
    }
    child.on('error', (error) => {
      // Without a pid the spawn itself failed and no 'exit' will follow; otherwise a signal failed.
      if (child.pid === undefined) this.complete({ spawnError: `cannot start "${options.command}": ${error.message}` });
      else options.log(`trial process ${child.pid}: ${error.message}`);
    });
    child.on('exit', (code, signal) => this.onLeaderExit(code, signal));
    child.on('close', () => void this.onClose());
  }

  /** True once the leader process has exited (the trial may still be draining its channel). */
  get exited(): boolean {
    return this.exit !== undefined;
  }

  /** Writes one encoded line to the trial. Ignored after exit (the trial can no longer read it). */
  send(line: string): void {
    if (this.channel !== undefined && !this.channel.destroyed && this.exit === undefined) this.channel.write(line);
  }

  /**
   * SIGTERM to the whole process group, SIGKILL after `killGraceMs`. Resolves when the process
   * has exited and `onExit` has run. Idempotent.
   */
  kill(): Promise<void> {
    if (this.done || this.pid === undefined) return this.finished;
    if (this.killTimer === undefined && this.exit === undefined) {
      signalGroup(this.pid, 'SIGTERM');
      this.killTimer = setTimeout(() => {
        if (this.pid !== undefined) signalGroup(this.pid, 'SIGKILL');
      }, this.options.killGraceMs);
    }
    return this.finished;
  }

  private onLeaderExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exit = code !== null ? { exitCode: code } : { signal: signal ?? 'unknown' };
    if (this.pid !== undefined) signalGroup(this.pid, 'SIGKILL');
    // A process that left our group may still hold fd 3 open: do not wait for it forever.
    this.drainTimer = setTimeout(() => this.channel?.destroy(), this.options.killGraceMs);
  }

  private async onClose(): Promise<void> {
    this.decoder.end();
    if (this.pid !== undefined) await waitForGroupGone(this.pid, this.options.log);
    let exit = this.exit ?? { signal: 'unknown' };
    if (exit.exitCode === LOGS_UNAVAILABLE && !existsSync(this.options.stderrPath)) {
      exit = { ...exit, spawnError: `cannot create the log files ${this.options.stdoutPath} and stderr.log; check that the directory exists and is writable` };
    }
    this.complete(exit);
  }

  private complete(exit: ProcessExit): void {
    if (this.done) return;
    this.done = true;
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    try {
      this.options.onExit(exit);
    } finally {
      this.resolveFinished();
    }
  }
}

/** Quotes `text` for a POSIX shell (single quotes, embedded ones spliced in). */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function checkCwd(cwd: string): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory ${cwd} is not a directory; check trialCodeDirectory`;
  } catch {
    return `working directory ${cwd} does not exist; check trialCodeDirectory`;
  }
  return undefined;
}
