/**
 * The daemon's side of the spawner: starts processes by asking a small, long-lived process to
 * start them, so fork() never runs on the daemon's event loop (its cost grows with the daemon's
 * resident memory: 10-30 ms per trial for a big daemon).
 *
 * Architecture:
 * - One spawner per training service, started lazily at the first launch (this one fork of the
 *   daemon is paid once). Two kinds speak the same messages (`spawner-link.ts`): the native one
 *   (`native/nasctl-spawner.c`, posix_spawn, built at install when a C compiler is present; the
 *   default then) over stdin/stdout, and the Node one (`spawner-main.ts`) over an IPC channel.
 *   Either reaches the daemon's `ChannelServer` address.
 * - `launch` sends {token, shell, script, cwd, env}; the trial's fd 3 arrives at the channel
 *   server as a direct connection (hello with the token), never relayed through the spawner;
 *   `spawned` {pid}, `spawn-failed` and `exited` {code, signal} come back from the spawner.
 * - The daemon signals process groups itself (`process.kill(-pid)`) once it knows the pid.
 * - If the spawner dies, that is logged; processes not yet reported started fail to start, the
 *   running ones are reported lost (their channel still tells when they end), and the next
 *   launch starts a new spawner.
 * - The link keeps the event loop alive only while processes are outstanding.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ChannelServer } from './channel-server';
import { findNativeSpawner } from './native-spawner-protocol';
import type { LaunchEvents, LaunchRequest, ProcessLauncher } from './process-launcher';
import { startNativeSpawner, startNodeSpawner, type SpawnerLink } from './spawner-link';
import { parseSpawnerReply, type SpawnRequest } from './spawner-messages';

/** Constructor options. */
export interface SpawnerLauncherOptions {
  log: (line: string) => void;
  /** The Node spawner's entry script (default: the compiled `spawner-main.js` beside this file); setting it selects the Node spawner. */
  spawnerMain?: string;
  /**
   * Which spawner runs: 'native' (`native/nasctl-spawner.c`, built at install when a C compiler
   * is present: posix_spawn, no page-table copy per start) or 'node' (`spawner-main.ts`).
   * Default: 'node' when `spawnerMain` is set or the environment variable NASCTL_SPAWNER is
   * "node", else native when its binary exists (`nativeSpawner`, default beside this file), else node.
   */
  kind?: 'native' | 'node';
  /** Path of the native spawner (default: `nasctl-spawner` beside this file). */
  nativeSpawner?: string;
}

/**
 * The native spawner to run, or undefined for the Node one: see `SpawnerLauncherOptions.kind`.
 * Pure apart from one existence check of the binary.
 */
export function chooseNativeSpawner(options: SpawnerLauncherOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.kind === 'node' || (options.kind === undefined && (options.spawnerMain !== undefined || env['NASCTL_SPAWNER'] === 'node'))) return undefined;
  const binary = options.nativeSpawner ?? findNativeSpawner();
  if (binary === undefined && options.kind === 'native') throw new Error('the native spawner was not built (no C compiler at install?): run `npm run build` with cc installed, or use the Node spawner');
  return binary;
}

/** A process asked for and not yet ended. */
interface Outstanding {
  events: LaunchEvents;
  pid: number | undefined;
  /** What was asked, kept until the process runs (sent again if the native spawner cannot start). */
  request: SpawnRequest | undefined;
}

/** How long `close()` waits for the spawner to exit after closing its channel before SIGKILL. */
const CLOSE_GRACE_MS = 2000;

/** Launches processes through a spawner process. One per training service. */
export class SpawnerLauncher implements ProcessLauncher {
  private readonly log: (line: string) => void;
  private readonly spawnerMain: string;
  /** The native spawner's binary; undefined: the Node spawner runs. */
  private nativeSpawner: string | undefined;
  private readonly tokenPrefix = randomBytes(4).toString('hex');
  private nextToken = 0;
  private server: ChannelServer | undefined;
  private spawner: SpawnerLink | undefined;
  private readonly outstanding = new Map<string, Outstanding>();
  private closed = false;

  constructor(options: SpawnerLauncherOptions) {
    this.log = options.log;
    this.spawnerMain = options.spawnerMain ?? path.join(__dirname, 'spawner-main.js');
    this.nativeSpawner = chooseNativeSpawner(options);
  }

  /** Which spawner this launcher runs (diagnostics, benchmarks, tests). */
  get kind(): 'native' | 'node' {
    return this.nativeSpawner === undefined ? 'node' : 'native';
  }

  /** Pid of the running spawner (tests, diagnostics); undefined before the first launch or after it died. */
  get spawnerPid(): number | undefined {
    return this.spawner?.child.pid;
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
    if (this.outstanding.size === 0) spawner.setActive(true);
    const message: SpawnRequest = { type: 'spawn', token, shell: request.shell, script: request.script, cwd: request.cwd, env: request.env };
    this.outstanding.set(token, { events, pid: undefined, request: message });
    server.expect(token, (socket, head) => events.onChannel(socket, head));
    const error = spawner.send(message);
    if (error !== undefined) {
      this.settle(token);
      server.forget(token);
      queueMicrotask(() => events.onSpawnError(error));
    }
  }

  /** Closes the spawner's IPC channel (it exits, leaving any trial alone) and the channel server. */
  async close(): Promise<void> {
    this.closed = true;
    const link = this.spawner;
    const spawner = link?.child;
    if (link !== undefined && spawner !== undefined && spawner.exitCode === null && spawner.signalCode === null) {
      const exited = new Promise<void>((resolve) => spawner.once('exit', () => resolve()));
      spawner.ref(); // keep the event loop alive until it is gone
      link.disconnect();
      const timer = setTimeout(() => spawner.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await this.server?.close();
  }

  private startSpawner(address: string): SpawnerLink {
    const events = {
      onReply: (value: unknown) => this.onReply(value),
      onGone: (how: string) => this.onSpawnerExit(link, how),
      log: this.log,
    };
    const link: SpawnerLink = this.nativeSpawner !== undefined ? startNativeSpawner(this.nativeSpawner, address, events) : startNodeSpawner(this.spawnerMain, address, events);
    this.spawner = link;
    return link;
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
        entry.request = undefined;
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
    if (this.outstanding.size === 0) this.spawner?.setActive(false);
  }

  /**
   * The native spawner could not start (a binary built for another machine, a file system
   * mounted noexec, ...): the Node spawner takes over for good, and what was asked of the native
   * one is asked again, so no trial fails for it.
   */
  private fallBackToNode(how: string): void {
    this.log(`the native spawner ${this.nativeSpawner} ${how}; trials start through the Node spawner from now on (rebuild with \`npm run build\` to fix)`);
    this.nativeSpawner = undefined;
    const server = this.server;
    if (server === undefined) return;
    const link = this.startSpawner(server.address);
    if (this.outstanding.size > 0) link.setActive(true);
    for (const [token, entry] of this.outstanding) {
      const error = entry.request === undefined ? 'lost before it started' : link.send(entry.request);
      if (error === undefined) continue;
      this.settle(token);
      server.forget(token);
      entry.events.onSpawnError(error);
    }
  }

  private onSpawnerExit(link: SpawnerLink, how: string): void {
    const child = link.child;
    if (this.spawner === link) this.spawner = undefined;
    if (child.pid === undefined && this.nativeSpawner !== undefined && !this.closed) {
      this.fallBackToNode(how);
      return;
    }
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

