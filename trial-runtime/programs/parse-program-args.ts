import { parseArgs } from 'node:util';
import { camelName, convertOption, type OptionKind } from './option-values';

/** True when `argv` asks for help (`--help` or `-h` anywhere). Pure. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * The option list of a program's usage: one line per option, `--kebab-name KIND` and its default
 * when it has one (booleans also take `--no-NAME`). Pure; for `--help`.
 */
export function formatOptionsUsage(kinds: Readonly<Record<string, OptionKind>>, defaults: object): string {
  const values = defaults as Record<string, unknown>;
  const rows = Object.entries(kinds).map(([name, kind]) => {
    const flag = kind === 'boolean' ? `--[no-]${kebabName(name)}` : `--${kebabName(name)} ${kind.toUpperCase()}`;
    const value = values[name];
    return [flag, value === undefined ? '' : `default: ${typeof value === 'string' ? value || '(empty)' : JSON.stringify(value)}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, d]) => `  ${flag.padEnd(width)}  ${d}`.trimEnd()).join('\n');
}

/** kebab-case spelling of a camelCase option name. Pure. */
export function kebabName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Parses `argv` (without node and script) against option kinds named in camelCase and spelled
 * `--kebab-case` on the command line; returns `defaults` overlaid with the given options.
 * Throws node's ERR_PARSE_ARGS_* TypeError for unknown options, ConfigError for bad values.
 */
export function parseProgramArgs<T extends object>(argv: readonly string[], kinds: Readonly<Record<string, OptionKind>>, defaults: T): T {
  const config: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, kind] of Object.entries(kinds)) {
    config[kebabName(name)] = { type: kind === 'boolean' ? 'boolean' : 'string' };
    if (kind === 'boolean') config[`no-${kebabName(name)}`] = { type: 'boolean' };
  }
  const { values } = parseArgs({ args: [...argv], options: config, allowPositionals: false, strict: true });
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [flag, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    if (flag.startsWith('no-') && kinds[camelName(flag.slice(3))] === 'boolean') {
      out[camelName(flag.slice(3))] = false;
      continue;
    }
    const name = camelName(flag);
    out[name] = convertOption(flag, kinds[name] as OptionKind, raw);
  }
  return out as T;
}
