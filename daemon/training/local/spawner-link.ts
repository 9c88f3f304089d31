/**
 * The daemon's connection to one spawner process, of either kind:
 * - native (`native/nasctl-spawner.c`, posix_spawn: no page-table copy per start): requests as
 *   NUL-separated fields on its stdin, replies as JSON lines on its stdout;
 * - node (`spawner-main.ts`, child_process.spawn): requests and replies over Node's IPC channel.
 * `SpawnerLauncher` drives both the same way; which one runs is decided there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LineDecoder } from '../../../trial-runtime/protocol/line-decoder';
import { encodeNativeRequest } from './native-spawner-protocol';
import { SPAWNER_SOCKET_ENV, addressToEnv, type SpawnRequest } from './spawner-messages';

/** A started spawner process. */
export interface SpawnerLink {
  readonly child: ChildProcess;
  /**
   * Sends one request; returns why it cannot be sent at all (then it is not in flight). A
   * spawner that is gone or going settles it through `onGone` instead.
   */
  send(request: SpawnRequest): string | undefined;
  /** Whether the link keeps the daemon's event loop alive (true while processes are outstanding). */
  setActive(active: boolean): void;
  /** Asks the spawner to exit (it leaves running processes alone). */
  disconnect(): void;
}

/** What a link reports. */
export interface SpawnerLinkEvents {
  /** One reply, not yet validated. */
  onReply(value: unknown): void;
  /** Called once, after the process exited and every reply it sent was delivered. */
  onGone(how: string): void;
  log(line: string): void;
}

/** How a process ended, in words. */
function howEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `signal ${signal}` : `exit code ${code}`;
}

/** Forwards the spawner's stderr to the log; it never keeps the daemon alive. */
function logStderr(child: ChildProcess, log: (line: string) => void): void {
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => log(`spawner: ${text.trimEnd()}`));
  (child.stderr as { unref?: () => void } | null)?.unref?.();
}

/** Reports 'error' (the start failed: no pid, and no 'exit' follows) as the end of the spawner. */
function reportStartFailure(child: ChildProcess, gone: (how: string) => void, log: (line: string) => void): void {
  child.on('error', (error) => {
    log(`spawner (pid ${child.pid ?? '?'}): ${error.message}`);
    if (child.pid === undefined) gone(`could not start: ${error.message}`);
  });
}

/** Calls `onGone` at most once. */
function once(onGone: (how: string) => void): (how: string) => void {
  let called = false;
  return (how) => {
    if (called) return;
    called = true;
    onGone(how);
  };
}

/**
 * Starts the native spawner `binary` for the channel server at `address`. Never throws: a start
 * failure comes as `onGone`.
 */
export function startNativeSpawner(binary: string, address: string, events: SpawnerLinkEvents): SpawnerLink {
  const child = spawn(binary, [addressToEnv(address)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const gone = once(events.onGone);
  child.unref();
  logStderr(child, events.log);
  reportStartFailure(child, gone, events.log);
  // 'close' comes after 'exit' and after stdout ended, so after the last reply line.
  child.once('close', (code, signal) => gone(howEnded(code, signal)));
  child.stdin?.on('error', (error) => events.log(`spawner: request not delivered (${error.message})`));
  const stdout = child.stdout as (Readable & { ref?: () => void; unref?: () => void }) | null;
  stdout?.unref?.();
  const lines = new LineDecoder({
    onLine: (line) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        events.log(`spawner: unreadable reply ${JSON.stringify(line.slice(0, 200))}; ignored`);
        return;
      }
      events.onReply(value);
    },
    onLineError: (error, preview) => events.log(`spawner: ${error} (${JSON.stringify(preview)}); ignored`),
  });
  stdout?.on('data', (chunk: Buffer) => lines.push(chunk));
  return {
    child,
    send(request) {
      const encoded = encodeNativeRequest(request);
      if (typeof encoded !== 'string') return encoded.error;
      // A spawner that is gone or going: its end (onGone) settles the request, as for IPC.
      if (child.stdin !== null && !child.stdin.destroyed && child.stdin.writable) child.stdin.write(encoded);
      return undefined;
    },
    setActive(active) {
      if (active) stdout?.ref?.();
      else stdout?.unref?.();
    },
    disconnect() {
      child.stdin?.end();
    },
  };
}

/**
 * Starts the Node spawner (`main`: the compiled spawner-main.js) for the channel server at
 * `address`. Never throws: a start failure comes as `onGone`.
 */
export function startNodeSpawner(main: string, address: string, events: SpawnerLinkEvents): SpawnerLink {
  const child = spawn(process.execPath, [main], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', [SPAWNER_SOCKET_ENV]: addressToEnv(address) },
  });
  const gone = once(events.onGone);
  child.unref();
  logStderr(child, events.log);
  reportStartFailure(child, gone, events.log);
  child.on('message', (value: unknown) => events.onReply(value));
  child.once('exit', (code, signal) => {
    // Replies may still be in the channel: report the end once it has closed (after them all).
    if (child.connected) child.once('disconnect', () => gone(howEnded(code, signal)));
    else gone(howEnded(code, signal));
  });
  return {
    child,
    send(request) {
      // A send error means the spawner is gone: its exit handler fails the request.
      try {
        child.send(request, (error) => {
          if (error !== null && error !== undefined) events.log(`spawner: request not delivered (${error.message})`);
        });
      } catch (error) {
        events.log(`spawner: request not delivered (${(error as Error).message})`);
      }
      return undefined;
    },
    setActive(active) {
      if (active) child.channel?.ref();
      else child.channel?.unref();
    },
    disconnect() {
      if (child.connected) child.disconnect();
    },
  };
}
