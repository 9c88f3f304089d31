/**
 * IDX files (the MNIST / Fashion-MNIST distribution format): a 4-byte magic number
 * (0, 0, type 0x08 = unsigned byte, number of dimensions), one big-endian uint32 per dimension,
 * then the values. Images are 3-dimensional (magic 0x00000803), labels 1-dimensional (0x00000801).
 * Plain and gzip-compressed (`.gz`) files are read.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './dataset-error';

/** A parsed unsigned-byte IDX array. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an unsigned-byte IDX array and checks it has `expectedDims` dimensions. Throws
 * DatasetError naming `file` on a bad magic number, a wrong dimension count or a size that does
 * not match the header.
 */
export function parseIdx(buf: Uint8Array, file: string, expectedDims: number): IdxArray {
  const expectedMagic = 0x800 + expectedDims;
  if (buf.length < 4) {
    throw new DatasetError(file, `${file}: ${buf.length} bytes is too short for an IDX file (no magic number); the file is truncated or corrupt`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DatasetError(
      file,
      `${file}: bad IDX magic number 0x${magic.toString(16).padStart(8, '0')}, expected 0x${expectedMagic.toString(16).padStart(8, '0')} ` +
        `(unsigned bytes, ${expectedDims} dimension${expectedDims > 1 ? 's' : ''}); is this the right file, and is it decompressed or named .gz?`,
    );
  }
  if (buf.length < 4 + 4 * expectedDims) {
    throw new DatasetError(file, `${file}: ${buf.length} bytes is too short for an IDX header (magic number + ${expectedDims} sizes)`);
  }
  const dims: number[] = [];
  for (let d = 0; d < expectedDims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const header = 4 + 4 * expectedDims;
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== header + count) {
    throw new DatasetError(
      file,
      `${file}: size ${buf.length} bytes does not match its IDX header [${dims.join(' x ')}] (expected ${header + count} bytes); the file is truncated or corrupt`,
    );
  }
  return { dims, data: buf.subarray(header) };
}

/**
 * Finds `<dir>/<name>` or `<dir>/<name>.gz`; returns the path or undefined when neither exists.
 */
export function findIdxFile(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  return undefined;
}

/**
 * Reads and parses an IDX file, gunzipping it when it starts with the gzip magic bytes. Throws
 * DatasetError naming the file when it cannot be read, decompressed or parsed.
 */
export async function readIdxFile(file: string, expectedDims: number): Promise<IdxArray> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new DatasetError(file, `${file}: cannot read the IDX file`, { cause: err });
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new DatasetError(file, `${file}: gzip data is corrupt (${(err as Error).message}); download the file again`, { cause: err });
    }
  }
  return parseIdx(buf, file, expectedDims);
}
