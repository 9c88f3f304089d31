import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Resolves a path written in a config: a leading `~` (alone or followed by a separator) expands to
 * the user's home directory, a relative path resolves against `baseDir` (the YAML file's folder, or
 * the baseDir of a REST body). Called by the config loader for every path field. Pure apart from
 * reading the home directory; never touches the file system.
 */
export function resolveUserPath(given: string, baseDir: string, homeDir: string = os.homedir()): string {
  if (given === '~') return path.resolve(homeDir);
  if (given.startsWith('~/') || given.startsWith(`~${path.sep}`)) return path.resolve(homeDir, given.slice(2));
  return path.resolve(baseDir, given);
}
