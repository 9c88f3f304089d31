import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random lowercase alphanumeric id of `length` characters (experiment ids: 8, trial ids: 6). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
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
    let out = '';
    for (let i = 0; i < this.length; i++) out += ALPHABET[this.buffer[this.offset + i]! % ALPHABET.length];
    this.offset += this.length;
    return out;
  }
}
