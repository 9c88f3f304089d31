/**
 * The spawner: a small long-lived node process that forks trial processes for the daemon.
 *
 * Why: `fork()` copies the page tables of the calling process, so `child_process.spawn` blocks
 * the caller for a time that grows with its resident memory (measured: 1 ms at 54 MB, 9.5 ms at
 * 266 MB, 33 ms at 894 MB). A daemon holding a big experiment would freeze for that long at every
 * trial start. This process imports only node built-ins (and the dependency-free
 * `spawner-messages.ts` and `spawn-group-leader.ts`), so its resident set stays around 41 MB
 * (measured) whatever the daemon holds.
 *
 * Architecture (see `spawner-client.ts` for the daemon's side):
 * - Started by the daemon with `process.execPath`, an IPC channel, and the address of the
 *   daemon's channel server (a Unix socket) in NASCTL_SPAWNER_SOCKET.
 * - Per `spawn` request: connect to the channel server, write the hello line carrying the
 *   request's token, then spawn `shell -c script` detached (its own process group, pgid = pid)
 *   with that connected socket as fd 3, set to blocking mode as a pipe would be, and destroy
 *   our copy (never `end()`, which would shut the socket down for the child as well). From then
 *   on fd 3 is a direct channel between the trial and the daemon; nothing is relayed here.
 * - Replies `spawned` {pid} or `spawn-failed`, then `exited` {code, signal} when the leader ends.
 * - Signals from the terminal (SIGINT, SIGTERM, SIGHUP) are ignored: the daemon decides when
 *   trials end. When the IPC channel closes (the daemon exited or closed it), it exits at once
 *   and leaves running trials alone, as the daemon itself would.
 */
import * as net from 'node:net';
import { spawnGroupLeader } from './spawn-group-leader';
import { SPAWNER_SOCKET_ENV, addressFromEnv, helloLine, parseSpawnRequest, type SpawnRequest, type SpawnerToDaemon } from './spawner-messages';

/** Sends one reply; a closed channel means the daemon is gone and we exit anyway. */
function reply(message: SpawnerToDaemon): void {
  if (process.connected && process.send !== undefined) process.send(message);
}

/** Puts the socket's file description in blocking mode (what the child of a pipe gets). */
function setBlocking(socket: net.Socket): void {
  const handle = (socket as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  handle?.setBlocking?.(true);
}

/** Serves one request: connect, hello, spawn, report. Never throws. */
function serve(request: SpawnRequest, address: string): void {
  const { token } = request;
  let answered = false;
  const fail = (message: string): void => {
    if (answered) return;
    answered = true;
    reply({ type: 'spawn-failed', token, message });
  };
  const socket = net.connect(address);
  socket.on('error', (error) => fail(`cannot open the trial channel (daemon socket): ${error.message}`));
  socket.once('connect', () => {
    socket.write(helloLine(token), (error) => {
      if (error) {
        socket.destroy();
        fail(`cannot write to the trial channel: ${error.message}`);
        return;
      }
      setBlocking(socket);
      const child = spawnGroupLeader(request, socket, fail);
      socket.destroy(); // the child has its own copy (or none: it did not start)
      if (child === undefined) return;
      answered = true;
      reply({ type: 'spawned', token, pid: child.pid });
      child.on('error', () => {
        // Only signal delivery can fail now; the daemon signals groups itself.
      });
      child.once('exit', (code, signal) => reply({ type: 'exited', token, code, signal }));
    });
  });
}

/** Entry point: checks its environment, then serves requests until the IPC channel closes. */
function main(): void {
  const address = process.env[SPAWNER_SOCKET_ENV];
  if (address === undefined || address === '' || process.send === undefined) {
    process.stderr.write(`nasctl spawner: start it from the daemon (needs an IPC channel and ${SPAWNER_SOCKET_ENV})\n`);
    process.exit(2);
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  process.on('disconnect', () => process.exit(0));
  process.on('message', (value: unknown) => {
    const request = parseSpawnRequest(value);
    if (typeof request === 'string') {
      process.stderr.write(`nasctl spawner: ${request}; message ignored\n`);
      return;
    }
    serve(request, addressFromEnv(address));
  });
}

main();
