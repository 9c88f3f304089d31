import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BadRequestError, NotFoundError } from '../errors';

/** Bytes of a log file starting at an offset. */
export interface LogChunk {
  data: Buffer;
  /** Offset to ask for next time (end of `data`). */
  nextOffset: number;
  /** Size of the file when it was read (0 when it does not exist yet). */
  size: number;
}

/** Most bytes served per request; a client tails the rest with `?offset=nextOffset`. */
export const MAX_LOG_CHUNK = 8 * 1024 * 1024;

/** True when `child` is `parent` or lies below it (both absolute, normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves `logPath` and checks that it stays inside `trialDir`, both lexically and after
 * following symlinks (realpath). Called for every log request with the path the service returned.
 * Returns the real path, or null when the file does not exist yet (but would be inside).
 * Throws BadRequestError when the path escapes the trial directory.
 */
export async function containedLogPath(trialDir: string, logPath: string): Promise<string | null> {
  const dir = resolve(trialDir);
  const file = resolve(dir, logPath);
  const escape = new BadRequestError('name', `log file ${logPath} is outside the trial directory ${dir}; refusing to serve it`);
  if (!isInside(dir, file) || file === dir) throw escape;
  let realDir: string;
  try {
    realDir = await realpath(dir);
  } catch {
    return null; // the trial directory does not exist yet: nothing to serve
  }
  if (await exists(file)) {
    const real = await realpath(file);
    if (!isInside(realDir, real) || real === realDir) throw escape;
    return real;
  }
  // Not there yet: the nearest existing ancestor must still be inside the real trial directory.
  let parent = dirname(file);
  while (!(await exists(parent))) parent = dirname(parent);
  if (!isInside(realDir, await realpath(parent))) throw escape;
  return null;
}

/**
 * Reads at most MAX_LOG_CHUNK bytes of `file` (a path checked by containedLogPath, or null when
 * it does not exist) from `offset`. An offset past the end returns no data and `nextOffset` equal
 * to the file size (the file was truncated; start again from there). Throws NotFoundError when
 * the path is not a regular file.
 */
export async function readLogChunk(file: string | null, offset: number): Promise<LogChunk> {
  if (file === null) return { data: Buffer.alloc(0), nextOffset: offset, size: 0 };
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotFoundError(`log ${file} is not a regular file`);
    if (offset >= info.size) return { data: Buffer.alloc(0), nextOffset: info.size, size: info.size };
    const length = Math.min(info.size - offset, MAX_LOG_CHUNK);
    const data = Buffer.alloc(length);
    const { bytesRead } = await handle.read(data, 0, length, offset);
    return { data: data.subarray(0, bytesRead), nextOffset: offset + bytesRead, size: info.size };
  } finally {
    await handle.close();
  }
}
