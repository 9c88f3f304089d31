/**
 * One local child process (a spawn-mode trial or a reuse worker) in its own process group, with
 * stdout/stderr going to files and the protocol channel on fd 3. The shell opens (creates) the
 * two log files itself, in the child, before it runs the command: file creation costs 45-200 us
 * of journaling each on ext4, which the daemon's event loop no longer pays per trial.
 *
 * Started through a `ProcessLauncher`: by default the spawner process (fork() off the event
 * loop), else directly. Lifecycle: constructed = launch requested. `onStarted` fires once, first
 * (with the pid, or undefined when the process could not start); channel lines are delivered
 * through `onLine`/`onLineError` only after it. When the leader exits, whatever is left in its
 * group is SIGKILLed (orphans must not keep GPUs), the channel is drained, and `onExit` fires
 * once, after every line; `finished` then resolves. When the launcher loses sight of the process
 * (the spawner died), the trial ends, lost, once its channel closes.
 */
import { existsSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { LineDecoder, type LineSink } from '../../../trial-runtime/protocol/line-decoder';
import type { TrialExit } from '../training-service';
import type { ProcessLauncher } from './process-launcher';
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
  launcher: ProcessLauncher;
  shell: string;
  command: string;
  cwd: string;
  env: Record<string, string>;
  stdoutPath: string;
  stderrPath: string;
  /** SIGTERM -> SIGKILL delay of `kill()`; also how long to wait for the channel after exit. */
  killGraceMs: number;
  /** Called once, never from inside the constructor, before any line and before `onExit`. */
  onStarted?(pid: number | undefined): void;
  /** The launcher lost sight of the process (it may still run; `onExit` follows when its channel closes). */
  onLost?(reason: string): void;
  /** Called once, after the last line. */
  onExit(exit: ProcessExit): void;
  log: (line: string) => void;
}

/** Owns one child. Construct it to launch; never throws (spawn failures become an exit). */
export class TrialProcess {
  /** Resolves after `onExit` ran. */
  readonly finished: Promise<void>;
  private readonly options: TrialProcessOptions;
  private readonly decoder: LineDecoder;
  /** Set when the process runs, just before `onStarted`; lines flow only once it is set. */
  private processId: number | undefined;
  private channel: Socket | undefined;
  private channelHead: Buffer | undefined;
  /** The channel closed, or will not come (it was given up on): finishing does not wait for it. */
  private channelOver = false;
  private exit: ProcessExit | undefined;
  private lostReason: string | undefined;
  private killRequested = false;
  private finishing = false;
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
    // The first line of the script points stdout/stderr at the log files (appending); the
    // user's command follows unchanged, run by the same shell.
    const script = `exec >>${shellQuote(options.stdoutPath)} 2>>${shellQuote(options.stderrPath)} || exit ${LOGS_UNAVAILABLE}\n${options.command}`;
    // Launch events never come from inside `launch`, so none reaches the caller before it has us.
    options.launcher.launch(
      { shell: options.shell, script, cwd: options.cwd, env: options.env },
      {
        onSpawned: (pid) => this.onSpawned(pid),
        onChannel: (socket, head) => this.onChannel(socket, head),
        onExit: (code, signal) => this.onLeaderExit(code, signal),
        onSpawnError: (message) => this.onSpawnError(message),
        onLost: (reason) => this.onLost(reason),
      },
    );
  }

  /** Process id = process group id; undefined until the process runs, or when it could not start. */
  get pid(): number | undefined {
    return this.processId;
  }

  /** True once the leader process has exited or can no longer be observed (the channel may still drain). */
  get exited(): boolean {
    return this.exit !== undefined || this.lostReason !== undefined;
  }

  /**
   * Writes one encoded line to the trial. Ignored after exit (the trial can no longer read it);
   * still written after the process was lost from sight, since it may still be running.
   */
  send(line: string): void {
    if (this.channel !== undefined && !this.channel.destroyed && this.exit === undefined) this.channel.write(line);
  }

  /**
   * SIGTERM to the whole process group, SIGKILL after `killGraceMs`. A kill requested before the
   * pid is known is carried out when it arrives. Resolves when the process has exited and
   * `onExit` has run. Idempotent.
   */
  kill(): Promise<void> {
    if (this.done) return this.finished;
    this.killRequested = true;
    if (this.processId !== undefined) this.startKill(this.processId);
    return this.finished;
  }

  private startKill(pid: number): void {
    if (this.killTimer !== undefined || this.exit !== undefined) return;
    signalGroup(pid, 'SIGTERM');
    this.killTimer = setTimeout(() => {
      signalGroup(pid, 'SIGKILL');
      // Without an exit report, the channel is the only sign of the end: do not wait forever.
      if (this.lostReason !== undefined) this.armDrain();
    }, this.options.killGraceMs);
  }

  private onSpawned(pid: number): void {
    if (this.done) {
      signalGroup(pid, 'SIGKILL');
      return;
    }
    this.processId = pid;
    this.options.onStarted?.(pid);
    this.openChannel();
    if (this.killRequested) this.startKill(pid);
  }

  private onChannel(socket: Socket, head: Buffer | undefined): void {
    if (this.done || this.finishing || this.channel !== undefined) {
      socket.destroy();
      return;
    }
    this.channel = socket;
    this.channelHead = head;
    socket.on('error', (error) => this.options.log(`trial channel (pid ${this.processId ?? '?'}): ${error.message}`));
    socket.once('close', () => {
      this.channelOver = true;
      void this.maybeFinish();
    });
    if (this.processId !== undefined) this.openChannel();
  }

  /** Starts reading the channel once the process is known to run (lines never precede onStarted). */
  private openChannel(): void {
    const socket = this.channel;
    if (socket === undefined || this.done || socket.listenerCount('data') > 0) return;
    const head = this.channelHead;
    this.channelHead = undefined;
    if (head !== undefined) this.decoder.push(head);
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.resume();
  }

  private onLeaderExit(code: number | null, signal: string | null): void {
    this.exit = code !== null ? { exitCode: code } : { signal: signal ?? 'unknown' };
    if (this.processId !== undefined) signalGroup(this.processId, 'SIGKILL');
    // A process that left our group may still hold fd 3 open: do not wait for it forever.
    this.armDrain();
    void this.maybeFinish();
  }

  /** The start failed. A bad working directory is named as such (checked here, not per trial). */
  private onSpawnError(message: string): void {
    this.channel?.destroy();
    this.complete({ spawnError: checkCwd(this.options.cwd) ?? `cannot start "${this.options.command}": ${message}` });
  }

  private onLost(reason: string): void {
    this.lostReason = reason;
    this.options.log(`trial process ${this.processId ?? '?'}: ${reason}; it ends when its channel closes`);
    if (this.channel === undefined || this.killTimer !== undefined) this.armDrain();
    this.options.onLost?.(reason);
    void this.maybeFinish();
  }

  /** After `killGraceMs`, stops waiting for the channel (destroying it if it came). */
  private armDrain(): void {
    if (this.drainTimer !== undefined) return;
    this.drainTimer = setTimeout(() => {
      if (this.channel !== undefined) {
        this.channel.destroy();
      } else {
        this.channelOver = true;
        void this.maybeFinish();
      }
    }, this.options.killGraceMs);
  }

  private async maybeFinish(): Promise<void> {
    if (this.done || this.finishing || !this.exited || !this.channelOver) return;
    this.finishing = true;
    this.openChannel(); // a channel still paused here has lines to deliver
    this.decoder.end();
    if (this.processId !== undefined) await waitForGroupGone(this.processId, this.options.log);
    let exit: ProcessExit = this.exit ?? { spawnError: this.lostReason ?? 'the process can no longer be observed' };
    if (exit.exitCode === LOGS_UNAVAILABLE && !existsSync(this.options.stderrPath)) {
      exit = { ...exit, spawnError: `cannot create the log files ${this.options.stdoutPath} and ${this.options.stderrPath}; check that the directory exists and is writable` };
    }
    this.complete(exit);
  }

  private complete(exit: ProcessExit): void {
    if (this.done) return;
    this.done = true;
    if (this.processId === undefined) this.options.onStarted?.(undefined);
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
