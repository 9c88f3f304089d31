/**
 * The daemon's side of the spawner (`spawner-main.ts`): starts processes by asking a small,
 * long-lived node process to fork them, so fork() never runs on the daemon's event loop (its
 * cost grows with the daemon's resident memory: 10-30 ms per trial for a big daemon).
 *
 * Architecture:
 * - One spawner per training service, started lazily at the first launch (this one fork of the
 *   daemon is paid once), with an IPC channel (measured: as cheap as JSON lines on a pipe,
 *   16-60 us of daemon CPU per trial for request + replies) and a `ChannelServer` address.
 * - `launch` sends {token, shell, script, cwd, env}; the trial's fd 3 arrives at the channel
 *   server as a direct connection (hello with the token), never relayed through the spawner;
 *   `spawned` {pid}, `spawn-failed` and `exited` {code, signal} come back over IPC.
 * - The daemon signals process groups itself (`process.kill(-pid)`) once it knows the pid.
 * - If the spawner dies, that is logged; processes not yet reported started fail to start, the
 *   running ones are reported lost (their channel still tells when they end), and the next
 *   launch starts a new spawner.
 * - The IPC channel keeps the event loop alive only while processes are outstanding.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ChannelServer } from './channel-server';
import type { LaunchEvents, LaunchRequest, ProcessLauncher } from './process-launcher';
import { SPAWNER_SOCKET_ENV, addressToEnv, parseSpawnerReply, type SpawnRequest } from './spawner-messages';

/** Constructor options. */
export interface SpawnerLauncherOptions {
  log: (line: string) => void;
  /** The spawner's entry script (default: the compiled `spawner-main.js` beside this file). */
  spawnerMain?: string;
}

/** A process asked for and not yet ended. */
interface Outstanding {
  events: LaunchEvents;
  pid: number | undefined;
}

/** How long `close()` waits for the spawner to exit after closing its channel before SIGKILL. */
const CLOSE_GRACE_MS = 2000;

/** Launches processes through a spawner process. One per training service. */
export class SpawnerLauncher implements ProcessLauncher {
  private readonly log: (line: string) => void;
  private readonly spawnerMain: string;
  private readonly tokenPrefix = randomBytes(4).toString('hex');
  private nextToken = 0;
  private server: ChannelServer | undefined;
  private spawner: ChildProcess | undefined;
  private readonly outstanding = new Map<string, Outstanding>();
  private closed = false;

  constructor(options: SpawnerLauncherOptions) {
    this.log = options.log;
    this.spawnerMain = options.spawnerMain ?? path.join(__dirname, 'spawner-main.js');
  }

  /** Pid of the running spawner (tests, diagnostics); undefined before the first launch or after it died. */
  get spawnerPid(): number | undefined {
    return this.spawner?.pid;
  }

  /** Asks the spawner (started if needed) for one process. Events follow asynchronously. */
  launch(request: LaunchRequest, events: LaunchEvents): void {
    if (this.closed) {
      queueMicrotask(() => events.onSpawnError('the local training service is shut down'));
      return;
    }
    const token = `${this.tokenPrefix}-${this.nextToken++}`;
    const server = (this.server ??= new ChannelServer(this.log));
    const spawner = this.spawner ?? this.startSpawner(server.address);
    if (this.outstanding.size === 0) spawner.channel?.ref();
    this.outstanding.set(token, { events, pid: undefined });
    server.expect(token, (socket, head) => events.onChannel(socket, head));
    const message: SpawnRequest = { type: 'spawn', token, shell: request.shell, script: request.script, cwd: request.cwd, env: request.env };
    // A send error means the spawner is gone: its exit handler fails this request.
    try {
      spawner.send(message, (error) => {
        if (error !== null && error !== undefined) this.log(`spawner: request not delivered (${error.message})`);
      });
    } catch (error) {
      this.log(`spawner: request not delivered (${(error as Error).message})`);
    }
  }

  /** Closes the spawner's IPC channel (it exits, leaving any trial alone) and the channel server. */
  async close(): Promise<void> {
    this.closed = true;
    const spawner = this.spawner;
    if (spawner !== undefined && spawner.exitCode === null && spawner.signalCode === null) {
      const exited = new Promise<void>((resolve) => spawner.once('exit', () => resolve()));
      spawner.ref(); // keep the event loop alive until it is gone
      if (spawner.connected) spawner.disconnect();
      const timer = setTimeout(() => spawner.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await this.server?.close();
  }

  private startSpawner(address: string): ChildProcess {
    const child = spawn(process.execPath, [this.spawnerMain], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', [SPAWNER_SOCKET_ENV]: addressToEnv(address) },
    });
    this.spawner = child;
    child.unref();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.log(`spawner: ${text.trimEnd()}`));
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.on('message', (value: unknown) => this.onReply(value));
    child.on('error', (error) => {
      this.log(`spawner (pid ${child.pid ?? '?'}): ${error.message}`);
      // Without a pid it never started, and no 'exit' follows.
      if (child.pid === undefined) this.onSpawnerExit(child, `could not start: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      const how = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      // Replies may still be in the channel: handle the exit once it has closed (after them all).
      if (child.connected) child.once('disconnect', () => this.onSpawnerExit(child, how));
      else this.onSpawnerExit(child, how);
    });
    return child;
  }

  private onReply(value: unknown): void {
    const reply = parseSpawnerReply(value);
    if (typeof reply === 'string') {
      this.log(`spawner: ${reply}; reply ignored`);
      return;
    }
    const entry = this.outstanding.get(reply.token);
    if (entry === undefined) return;
    switch (reply.type) {
      case 'spawned':
        entry.pid = reply.pid;
        entry.events.onSpawned(reply.pid);
        return;
      case 'spawn-failed':
        this.settle(reply.token);
        this.server?.forget(reply.token);
        entry.events.onSpawnError(reply.message);
        return;
      case 'exited':
        this.settle(reply.token);
        entry.events.onExit(reply.code, reply.signal);
        return;
    }
  }

  private settle(token: string): void {
    this.outstanding.delete(token);
    if (this.outstanding.size === 0) this.spawner?.channel?.unref();
  }

  private onSpawnerExit(child: ChildProcess, how: string): void {
    if (this.spawner === child) this.spawner = undefined;
    const entries = [...this.outstanding.entries()];
    this.outstanding.clear();
    if (!this.closed || entries.length > 0) {
      this.log(`spawner (pid ${child.pid}) ended (${how}) with ${entries.length} trial process(es) outstanding; the next trial starts a new one`);
    }
    const reason = `the spawner process that started this trial ended (${how}), so the trial's exit status is unknown; see the daemon log`;
    for (const [token, entry] of entries) {
      this.server?.forget(token);
      if (entry.pid === undefined) entry.events.onSpawnError(`${reason} before it reported the process started`);
      else entry.events.onLost(reason);
    }
  }
}

