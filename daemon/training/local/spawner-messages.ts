/**
 * The messages between the daemon and its spawner process (`spawner-main.ts`), over the Node IPC
 * channel of the spawner. Imported by both sides, so this file imports nothing: the spawner must
 * stay a bare node process with a tiny resident set (forking is what it is for).
 *
 * One `spawn` request per process; the spawner answers `spawned` (with the pid, which is also
 * the process-group id) or `spawn-failed`, and after `spawned` exactly one `exited` unless the
 * spawner itself dies first.
 */

/** Daemon -> spawner: start `shell -c script` in its own process group, fd 3 = a fresh channel. */
export interface SpawnRequest {
  type: 'spawn';
  /** Chosen by the daemon, unique per spawner; the child's channel says hello with it. */
  token: string;
  shell: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
}

/** Spawner -> daemon: the process runs. */
export interface SpawnedReply {
  type: 'spawned';
  token: string;
  pid: number;
}

/** Spawner -> daemon: the process could not be started (no `exited` follows). */
export interface SpawnFailedReply {
  type: 'spawn-failed';
  token: string;
  message: string;
}

/** Spawner -> daemon: the group leader exited (`code` null when a signal ended it). */
export interface ExitedReply {
  type: 'exited';
  token: string;
  code: number | null;
  signal: string | null;
}

/** Everything the daemon sends. */
export type DaemonToSpawner = SpawnRequest;
/** Everything the spawner sends. */
export type SpawnerToDaemon = SpawnedReply | SpawnFailedReply | ExitedReply;

/** Environment variable naming the channel server's address, given to the spawner. */
export const SPAWNER_SOCKET_ENV = 'NASCTL_SPAWNER_SOCKET';

/**
 * A socket address as environment text: the abstract namespace's leading NUL (not allowed in an
 * environment variable) becomes "@", as `ss` and `lsof` print it.
 */
export function addressToEnv(address: string): string {
  return address.startsWith('\0') ? `@${address.slice(1)}` : address;
}

/** Inverse of `addressToEnv`: "@name" is the abstract name "\0name", anything else a path. */
export function addressFromEnv(text: string): string {
  return text.startsWith('@') ? `\0${text.slice(1)}` : text;
}

/** Line a spawner writes first on each channel connection: `HELLO_PREFIX + token + "\n"`. */
export const HELLO_PREFIX = 'nasctl-spawner ';

/** Longest hello line accepted by the daemon (bytes, newline included). */
export const MAX_HELLO_BYTES = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * Checks a value received by the spawner. Returns the request, or a string saying what is wrong.
 * Never throws. Called for every IPC message the spawner gets.
 */
export function parseSpawnRequest(value: unknown): SpawnRequest | string {
  if (!isRecord(value)) return 'spawner message is not an object';
  if (value['type'] !== 'spawn') return `unknown spawner request type ${JSON.stringify(value['type'])}`;
  for (const key of ['token', 'shell', 'script', 'cwd'] as const) {
    if (typeof value[key] !== 'string') return `spawn request: "${key}" must be a string`;
  }
  if (!isStringRecord(value['env'])) return 'spawn request: "env" must map names to strings';
  return value as unknown as SpawnRequest;
}

/**
 * Checks a value received by the daemon from its spawner. Returns the reply, or a string saying
 * what is wrong. Never throws. Called for every IPC message of the spawner.
 */
export function parseSpawnerReply(value: unknown): SpawnerToDaemon | string {
  if (!isRecord(value)) return 'spawner reply is not an object';
  if (typeof value['token'] !== 'string') return 'spawner reply: "token" must be a string';
  switch (value['type']) {
    case 'spawned':
      if (!Number.isInteger(value['pid']) || (value['pid'] as number) <= 0) return 'spawned reply: "pid" must be a positive integer';
      return value as unknown as SpawnedReply;
    case 'spawn-failed':
      if (typeof value['message'] !== 'string') return 'spawn-failed reply: "message" must be a string';
      return value as unknown as SpawnFailedReply;
    case 'exited': {
      const code = value['code'];
      const signal = value['signal'];
      if (code !== null && !Number.isInteger(code)) return 'exited reply: "code" must be an integer or null';
      if (signal !== null && typeof signal !== 'string') return 'exited reply: "signal" must be a string or null';
      if (code === null && signal === null) return 'exited reply: one of "code" and "signal" must be set';
      return value as unknown as ExitedReply;
    }
    default:
      return `unknown spawner reply type ${JSON.stringify(value['type'])}`;
  }
}

/** The hello line for `token`. */
export function helloLine(token: string): string {
  return `${HELLO_PREFIX}${token}\n`;
}

/**
 * The token of a hello line (without its newline), or undefined when `line` is not a hello.
 * Called by the daemon's channel server on the first line of each connection.
 */
export function parseHelloLine(line: string): string | undefined {
  if (!line.startsWith(HELLO_PREFIX)) return undefined;
  const token = line.slice(HELLO_PREFIX.length);
  return token === '' ? undefined : token;
}
