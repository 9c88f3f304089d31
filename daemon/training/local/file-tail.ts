/** Reads the end of a log file (the stderr tail reported when a trial fails). */
import { open } from 'node:fs/promises';

/** Default size of a stderr tail: ~4 KiB. */
export const TAIL_BYTES = 4096;

/**
 * Returns the last `maxBytes` of the file as UTF-8, starting at a line boundary when one is
 * near (so no half line leads), or '' when the file is missing or empty. Never throws.
 */
export async function readFileTail(file: string, maxBytes: number = TAIL_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return '';
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    if (length < size) {
      const newline = text.indexOf('\n');
      if (newline >= 0 && newline < text.length - 1) text = text.slice(newline + 1);
    }
    return text;
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}
