import { ConfigError } from '../errors';

/** The message of a ConfigError without the "path: " prefix its constructor adds. Pure. */
export function bareMessage(error: ConfigError): string {
  const prefix = `${error.path}: `;
  return error.path !== '' && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Re-issues a ConfigError at another path and/or with a suffix (e.g. " (config.yml:4:3)"),
 * keeping the original as `cause`. Called when the loader maps converted-v1 paths back to the keys
 * the user wrote and when it adds YAML line numbers. Pure.
 */
export function relocateError(error: ConfigError, path: string, suffix = ''): ConfigError {
  return new ConfigError(path, `${bareMessage(error)}${suffix}`, { cause: error });
}
