import { TunerArgsError, TunerError } from '../tuner-error';

/**
 * Bad assessor classArgs. Structurally like {@link TunerArgsError} (`code`, `status`, `path`): the
 * daemon rethrows it as ConfigError(`/assessor/classArgs${path}`).
 */
export class AssessorArgsError extends TunerError {
  override readonly code: string = 'INVALID_CONFIG';
  override readonly status: number = 400;
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`assessor classArgs${path}: ${message}`, options);
    this.path = path;
  }
}

/**
 * Runs `read` (which uses the shared classArgs readers of tuners/class-args.ts) and turns their
 * TunerArgsError into an {@link AssessorArgsError} for the same argument. Called by assessor
 * factories on create; rethrows anything else unchanged.
 */
export function readAssessorArgs<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof TunerArgsError)) throw e;
    const prefix = `tuner classArgs${e.path}: `;
    const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    throw new AssessorArgsError(e.path, message, { cause: e });
  }
}
