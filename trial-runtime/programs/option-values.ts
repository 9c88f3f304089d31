import { ConfigError } from '../../daemon/errors';

/** Kinds of values a program option takes. */
export type OptionKind = 'number' | 'integer' | 'string' | 'boolean' | 'json';

/**
 * Converts one option value (a CLI string, or a nasctl parameter which may already be typed) to
 * its kind. Throws ConfigError whose path names the option when it does not convert.
 */
export function convertOption(name: string, kind: OptionKind, value: unknown): unknown {
  const bad = (what: string): never => {
    throw new ConfigError(`--${name}`, `expected ${what}, got ${JSON.stringify(value)}`);
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : bad('a string');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      return bad('true or false');
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) return bad('a number');
      if (kind === 'integer' && !Number.isInteger(n)) return bad('an integer');
      return n;
    }
    case 'json':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return bad('JSON');
      }
  }
}

/** kebab-case / snake_case / camelCase option name -> camelCase. Pure. */
export function camelName(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Overlays nasctl trial parameters on parsed options: every parameter whose name (any case
 * style) is a known option replaces it, converted to the option's kind; NNI's `{_value}` wrappers
 * are unwrapped. Unknown parameter names are returned so the caller can warn. Throws as
 * {@link convertOption}.
 */
export function applyParameters<T extends object>(options: T, kinds: Readonly<Record<string, OptionKind>>, params: Readonly<Record<string, unknown>>): { options: T; unknown: string[] } {
  const out: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(params)) {
    const name = camelName(key);
    const kind = kinds[name];
    if (kind === undefined) {
      unknown.push(key);
      continue;
    }
    const value = raw !== null && typeof raw === 'object' && '_value' in raw ? (raw as { _value: unknown })._value : raw;
    out[name] = convertOption(key, kind, value);
  }
  return { options: out as T, unknown };
}
