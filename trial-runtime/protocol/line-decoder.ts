/**
 * Splits a byte stream into newline-terminated lines (the framing of the trial protocol).
 *
 * Bytes are buffered until a `\n` arrives; a partial line is never delivered as a line. A line
 * longer than `maxLineBytes` is reported once through `onError` and its bytes are discarded up to
 * the next newline, so one runaway writer cannot exhaust the daemon's memory.
 */

/** Longest accepted line (without its newline): 1 MiB. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Receives what the decoder finds. Called synchronously from `push` / `end`. */
export interface LineSink {
  /** A complete line, without its `\n` (and without a trailing `\r`), decoded as UTF-8. */
  onLine(line: string): void;
  /** A framing problem: an over-long line, or bytes left without a newline at end of stream. `preview` is its start. */
  onLineError(error: string, preview: string): void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const PREVIEW_BYTES = 200;

/**
 * Incremental line splitter. Create one per stream; call `push` for every chunk and `end` when
 * the stream ends. Never throws on bad input.
 */
export class LineDecoder {
  private readonly sink: LineSink;
  private readonly maxLineBytes: number;
  /** Chunks (or chunk tails) of the current, not yet terminated line. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while skipping the rest of an over-long line. */
  private discarding = false;

  constructor(sink: LineSink, maxLineBytes: number = MAX_LINE_BYTES) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  /** Feeds one chunk; delivers every line it completes, in order. */
  push(chunk: Buffer): void {
    let start = 0;
    const length = chunk.length;
    while (start < length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.keep(chunk, start, length);
        return;
      }
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pendingBytes === 0) {
        if (newline - start > this.maxLineBytes) {
          this.reportTooLong(chunk.subarray(start, start + PREVIEW_BYTES));
        } else {
          this.emit(chunk, start, newline);
        }
      } else if (this.pendingBytes + (newline - start) > this.maxLineBytes) {
        this.reportTooLong(this.pending[0]!);
        this.clearPending();
      } else {
        this.pending.push(chunk.subarray(start, newline));
        const whole = Buffer.concat(this.pending, this.pendingBytes + (newline - start));
        this.clearPending();
        this.emit(whole, 0, whole.length);
      }
      start = newline + 1;
    }
  }

  /** The stream ended: bytes without a terminating newline are reported, never delivered as a line. */
  end(): void {
    if (this.pendingBytes > 0) {
      const preview = Buffer.concat(this.pending).subarray(0, PREVIEW_BYTES).toString('utf8');
      this.clearPending();
      this.sink.onLineError(
        'incomplete line at end of stream (no terminating newline); every message must end with "\\n"',
        preview,
      );
    }
    this.discarding = false;
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.discarding) return;
    const size = end - start;
    if (this.pendingBytes + size > this.maxLineBytes) {
      this.reportTooLong(this.pendingBytes > 0 ? this.pending[0]! : chunk.subarray(start, start + PREVIEW_BYTES));
      this.clearPending();
      this.discarding = true;
      return;
    }
    // Copy: the caller may reuse its buffer after push() returns.
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += size;
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    this.sink.onLine(buffer.toString('utf8', start, end));
  }

  private reportTooLong(head: Buffer): void {
    this.sink.onLineError(
      `line longer than ${this.maxLineBytes} bytes discarded; send large data as files in the trial directory instead`,
      head.subarray(0, PREVIEW_BYTES).toString('utf8'),
    );
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
