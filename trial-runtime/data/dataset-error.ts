/**
 * A dataset could not be loaded: a path is missing, or a file is not in the expected format.
 * `file` is the path at fault (the missing folder or file, or the malformed file), and the message
 * says what was expected and how to fix it. Trials report it and exit; it is not retried.
 */
export class DatasetError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetError';
    this.file = file;
  }
}
