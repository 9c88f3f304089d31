/**
 * The daemon's side of the native spawner's wire format (`native/nasctl-spawner.c`). Replies
 * are the JSON lines of `spawner-messages.ts`; requests are runs of NUL-terminated fields,
 * `COUNT token shell script cwd NAME=value ...` with COUNT = 4 + the number of variables, so
 * nothing needs escaping (no field of a process start can hold a NUL byte).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SpawnRequest } from './spawner-messages';

/** File name of the native spawner, built beside the compiled `spawner-client.js` by scripts/build-native.js. */
export const NATIVE_SPAWNER_FILE = 'nasctl-spawner';

/**
 * The request as the native spawner reads it, or a string saying why it cannot be sent (a field
 * holds a NUL byte, which no process argument, directory or environment variable can). Pure.
 */
export function encodeNativeRequest(request: SpawnRequest): string | { error: string } {
  const fields = [request.token, request.shell, request.script, request.cwd];
  for (const [name, value] of [['shell', request.shell], ['script', request.script], ['working directory', request.cwd]] as const) {
    if (value.includes('\0')) return { error: `the ${name} contains a NUL byte, which a process start cannot carry` };
  }
  for (const name in request.env) {
    const entry = `${name}=${request.env[name]}`;
    if (entry.includes('\0') || name === '' || name.includes('=')) {
      return { error: `environment variable ${JSON.stringify(name)} cannot be passed to a process (empty name, "=" in the name, or a NUL byte)` };
    }
    fields.push(entry);
  }
  return `${fields.length}\0${fields.join('\0')}\0`;
}

/**
 * Path of the native spawner beside `dir` (default: this file's folder), or undefined when it was
 * not built there (no C compiler at install time). Reads the disk once per call.
 */
export function findNativeSpawner(dir: string = __dirname): string | undefined {
  const file = path.join(dir, NATIVE_SPAWNER_FILE);
  return existsSync(file) ? file : undefined;
}
