/**
 * A checkpoint cannot be used: missing, corrupt, truncated, or made for another space, other
 * options or other shapes. `file` is the path at fault and the message says what differs and
 * what to do. Trial programs print it on stderr and exit with code 2 (the trial ends FAILED).
 */
export class CheckpointError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'CheckpointError';
    this.file = file;
  }
}
