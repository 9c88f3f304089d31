/**
 * Errors thrown by tuners. `tuners/` imports nothing else of ours (see DESIGN.md), so these are
 * structurally compatible with daemon/errors.ts (`code`, `status`, `path`): the daemon may rethrow
 * a {@link TunerArgsError} as a ConfigError(`/tuner/classArgs${path}`) and a {@link TunerError}
 * as the experiment's ERROR message.
 */
export class TunerError extends Error {
  readonly code: string = 'TUNER_ERROR';
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Bad classArgs or a search space the tuner cannot handle. `path` is a JSON pointer inside
 * classArgs ("/populationSize"), or "" for the search space as a whole.
 */
export class TunerArgsError extends TunerError {
  override readonly code: string = 'INVALID_CONFIG';
  override readonly status: number = 400;
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path ? `tuner classArgs${path}: ${message}` : message, options);
    this.path = path;
  }
}
