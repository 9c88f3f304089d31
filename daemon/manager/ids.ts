import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` id characters from `bytes` starting at `offset`. */
function idFrom(bytes: Buffer, offset: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[offset + i]! % ALPHABET.length];
  return out;
}

/** A random lowercase alphanumeric id of `length` characters (experiment ids: 8, trial ids: 6). */
export function randomId(length: number): string {
  return idFrom(randomBytes(length), 0, length);
}

/** Pre-generates ids in bulk: cheaper than one randomBytes call per trial at thousands of trials/s. */
export class IdPool {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  constructor(private readonly length: number) {}

  next(): string {
    if (this.offset + this.length > this.buffer.length) {
      this.buffer = randomBytes(this.length * 1024);
      this.offset = 0;
    }
    const id = idFrom(this.buffer, this.offset, this.length);
    this.offset += this.length;
    return id;
  }
}
