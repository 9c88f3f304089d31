import * as fs from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from '../errors';

/**
 * Reads a search space file: JSON (the `ss_gen` output), or YAML when it is not valid JSON.
 * Called by the config loader with the already-resolved absolute path. Returns the parsed value
 * unvalidated (validateSearchSpace checks it).
 *
 * @throws ConfigError at "/searchSpaceFile" naming the file when it is missing, unreadable, or
 *   neither valid JSON nor valid YAML (with line:col of the syntax error).
 */
export function readSearchSpaceFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(cause)})`;
    throw new ConfigError('/searchSpaceFile', `search space file ${file} ${what}; check the path (relative paths resolve against the config file's folder) or run \`nasctl ss_gen\` to create it`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (jsonError) {
    if (/\.json$/i.test(file)) {
      throw new ConfigError('/searchSpaceFile', `search space file ${file} is not valid JSON: ${(jsonError as Error).message}`, { cause: jsonError });
    }
    try {
      return parseYaml(text) as unknown;
    } catch (cause) {
      const where = cause instanceof YAMLParseError && cause.linePos ? `:${cause.linePos[0].line}:${cause.linePos[0].col}` : '';
      throw new ConfigError('/searchSpaceFile', `search space file ${file}${where} is neither valid JSON nor valid YAML: ${(cause as Error).message.split('\n')[0]}`, { cause });
    }
  }
}
