import { ConfigError } from '../../daemon/errors';
import type { SearchSpace } from '../../tuners/search-space';
import type { ArchInput } from './supernet';

/** Candidate values of one key of a space made of `choice` / `layer_choice` parameters. */
function candidates(space: SearchSpace, key: string): ReadonlyArray<string | number | boolean | null> {
  const spec = space[key];
  if (!spec || (spec._type !== 'choice' && spec._type !== 'layer_choice')) {
    throw new ConfigError(`/${key}`, `supernet spaces hold only choice / layer_choice keys; '${key}' is not one`);
  }
  return spec._value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && Number(a) === b) || (typeof b === 'string' && typeof a === 'number' && Number(b) === a);
}

/**
 * Canonical index list of an architecture given as NNI parameters or as an index list, checked
 * against `space` (which has only choice / layer_choice keys). Strings are not handled here
 * (each supernet parses its own string form first).
 *
 * Accepted per key: `{_value, _idx}` (both must agree), `{_idx}`, `{_value}`, or a plain value.
 * Throws ConfigError with path `/<key>` for a missing, unknown or out-of-range choice, naming the
 * allowed candidates; path '' for a list of the wrong length.
 */
export function parseIndexArch(space: SearchSpace, arch: Exclude<ArchInput, string>): number[] {
  const keys = Object.keys(space);
  if (Array.isArray(arch)) {
    const list = arch as readonly number[];
    if (list.length !== keys.length) {
      throw new ConfigError('', `architecture has ${list.length} choices but the space has ${keys.length} keys (${keys[0]} .. ${keys[keys.length - 1]})`);
    }
    return list.map((idx, i) => {
      const key = keys[i] as string;
      const n = candidates(space, key).length;
      if (!Number.isInteger(idx) || idx < 0 || idx >= n) {
        throw new ConfigError(`/${key}`, `choice index ${String(idx)} is outside [0, ${n - 1}] for key '${key}'`);
      }
      return idx;
    });
  }
  const params = arch as Readonly<Record<string, unknown>>;
  const extra = Object.keys(params).filter((k) => !(k in space) && !k.startsWith('_'));
  if (extra.length > 0) {
    throw new ConfigError(`/${extra[0]}`, `key '${extra[0]}' is not in the search space (keys: ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''})`);
  }
  return keys.map((key) => {
    const values = candidates(space, key);
    const allowed = `allowed: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    if (!(key in params)) throw new ConfigError(`/${key}`, `architecture lacks key '${key}' (${allowed})`);
    const raw = params[key];
    let idx: number | undefined;
    let value: unknown = raw;
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const o = raw as { _idx?: unknown; _value?: unknown };
      if (o._idx !== undefined) {
        if (typeof o._idx !== 'number' || !Number.isInteger(o._idx) || o._idx < 0 || o._idx >= values.length) {
          throw new ConfigError(`/${key}`, `_idx ${JSON.stringify(o._idx)} is outside [0, ${values.length - 1}] for key '${key}'`);
        }
        idx = o._idx;
      }
      value = o._value;
      if (value === undefined && idx === undefined) throw new ConfigError(`/${key}`, `'${key}' needs _value or _idx (${allowed})`);
    }
    if (value !== undefined) {
      const found = values.findIndex((v) => sameValue(value, v));
      if (found < 0) throw new ConfigError(`/${key}`, `value ${JSON.stringify(value)} is not a candidate of '${key}' (${allowed})`);
      if (idx !== undefined && values[idx] !== undefined && !sameValue(value, values[idx])) {
        throw new ConfigError(`/${key}`, `_value ${JSON.stringify(value)} does not match _idx ${idx} (${JSON.stringify(values[idx])}) for key '${key}'`);
      }
      idx ??= found;
    }
    return idx as number;
  });
}

/**
 * NNI trial parameters for canonical indices: `{_value, _idx}` for layer_choice keys, the plain
 * value for choice keys. Assumes `indices` came from {@link parseIndexArch} on the same space.
 */
export function indicesToParameters(space: SearchSpace, indices: readonly number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.keys(space).forEach((key, i) => {
    const spec = space[key];
    const idx = indices[i] as number;
    if (spec?._type === 'layer_choice') out[key] = { _value: spec._value[idx], _idx: idx };
    else if (spec?._type === 'choice') out[key] = spec._value[idx];
  });
  return out;
}
