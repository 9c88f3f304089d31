/**
 * Typed errors. Each carries an HTTP status, a stable machine code, and a message that says what
 * was wrong, where, and what to do. One handler (daemon/api) renders them as
 * `{error: {code, message, path?}}`.
 */
export class NasctlError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** A config, search space or request body failed validation. `path` is the field path ("/trainingService/gpuIndices/0"). */
export class ConfigError extends NasctlError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('INVALID_CONFIG', 400, path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

/** A REST body, query or CLI argument is invalid. */
export class BadRequestError extends NasctlError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('BAD_REQUEST', 400, path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

export class NotFoundError extends NasctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', 404, message, options);
  }
}

/** The request conflicts with the current state (e.g. resume a running experiment). */
export class ConflictError extends NasctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', 409, message, options);
  }
}

/** A trial state change that is not allowed (e.g. a finished trial changing again). */
export class InvalidTransitionError extends NasctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_TRANSITION', 409, message, options);
  }
}

/** Authentication required or wrong token. */
export class UnauthorizedError extends NasctlError {
  constructor(message: string) {
    super('UNAUTHORIZED', 401, message);
  }
}

/** The experiment's database cannot be used (corrupt, newer schema, disk full). */
export class StoreError extends NasctlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_ERROR', 500, message, options);
  }
}
