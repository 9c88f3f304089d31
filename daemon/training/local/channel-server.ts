/**
 * The daemon's end of the trial channels started through the spawner: a Unix-domain socket
 * server. The spawner connects once per trial, writes a hello line with the trial's token and
 * hands the connected socket to the trial as fd 3; this server reads the hello, then gives the
 * socket (paused, with any bytes read past the hello) to whoever expects that token. From then
 * on the socket is the trial's channel in both directions.
 *
 * Address: on Linux an abstract-namespace name (`\0nasctl-<pid>-<random>`: no file, no path
 * length limit, gone with the process); elsewhere a short path under os.tmpdir(), removed by
 * `close()`.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_HELLO_BYTES, addressToEnv, parseHelloLine } from './spawner-messages';

/** Receives a routed channel: the socket is paused; `head` holds bytes that followed the hello. */
export type ChannelHandler = (socket: net.Socket, head: Buffer | undefined) => void;

/** A fresh address for a channel server of this process. */
export function channelServerAddress(): string {
  const name = `nasctl-${process.pid}-${randomBytes(6).toString('hex')}`;
  return process.platform === 'linux' ? `\0${name}` : path.join(os.tmpdir(), `${name}.sock`);
}

/** Listens from construction until `close()`. Does not keep the event loop alive by itself. */
export class ChannelServer {
  /** What the spawner connects to. */
  readonly address: string;
  private readonly server: net.Server;
  private readonly log: (line: string) => void;
  private readonly expected = new Map<string, ChannelHandler>();
  /** Connections that have not said hello yet. */
  private readonly greeting = new Set<net.Socket>();
  private closed = false;

  /**
   * Binds and listens at once (synchronously for a Unix socket, so a client may connect as soon
   * as this returns). A listen failure is logged; connections then fail on the spawner's side.
   */
  constructor(log: (line: string) => void, address: string = channelServerAddress()) {
    this.address = address;
    this.log = log;
    this.server = net.createServer({ pauseOnConnect: false }, (socket) => this.onConnection(socket));
    this.server.on('error', (error) => this.log(`trial channel server ${addressToEnv(address)}: ${error.message}`));
    this.server.listen(address);
    this.server.unref();
  }

  /** Routes the connection that says hello with `token` to `handler` (once). */
  expect(token: string, handler: ChannelHandler): void {
    this.expected.set(token, handler);
  }

  /** Stops expecting `token` (its process failed to start); a late connection is closed. */
  forget(token: string): void {
    this.expected.delete(token);
  }

  /**
   * Stops listening and closes connections that were never routed. Routed channels are left
   * alone (trials that outlive the service keep theirs), so this does not wait for them. Idempotent.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.expected.clear();
    for (const socket of this.greeting) socket.destroy();
    this.greeting.clear();
    this.server.close();
    if (!this.address.startsWith('\0')) rmSync(this.address, { force: true });
    return Promise.resolve();
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.greeting.add(socket);
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      const newline = chunk.indexOf(0x0a);
      if (newline === -1) {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes > MAX_HELLO_BYTES) this.reject(socket, 'no hello line');
        return;
      }
      socket.removeListener('data', onData);
      socket.pause();
      this.greeting.delete(socket);
      chunks.push(chunk.subarray(0, newline));
      const line = Buffer.concat(chunks).toString('utf8');
      const head = newline + 1 < chunk.length ? chunk.subarray(newline + 1) : undefined;
      this.route(socket, line, head);
    };
    socket.on('data', onData);
    socket.on('error', (error) => this.log(`trial channel connection: ${error.message}`));
    socket.once('close', () => this.greeting.delete(socket));
  }

  private route(socket: net.Socket, line: string, head: Buffer | undefined): void {
    const token = parseHelloLine(line);
    const handler = token === undefined ? undefined : this.expected.get(token);
    if (token === undefined || handler === undefined) {
      this.reject(socket, token === undefined ? 'bad hello line' : `unknown token ${token}`);
      return;
    }
    this.expected.delete(token);
    handler(socket, head);
  }

  private reject(socket: net.Socket, why: string): void {
    this.greeting.delete(socket);
    socket.destroy();
    // Unknown tokens are normal for processes that failed to start; anything else is not.
    if (!why.startsWith('unknown token')) this.log(`trial channel server: connection closed (${why})`);
  }
}
