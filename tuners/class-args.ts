import type { CostModel } from './search-space';
import type { CostLimits, OptimizeMode } from './tuner';
import { TunerArgsError } from './tuner-error';

/** JSON Schema properties every tuner accepts (NNI's optimize_mode, plus cost limits). */
export const COMMON_ARGS_PROPERTIES = {
  optimize_mode: { enum: ['maximize', 'minimize'], default: 'maximize', description: 'Whether a higher or lower final metric is better.' },
  flopsLimit: { type: 'number', exclusiveMinimum: 0, description: 'Only propose architectures with at most this many FLOPs (needs the space cost model).' },
  flopsMin: { type: 'number', minimum: 0, description: 'Only propose architectures with at least this many FLOPs (needs the space cost model).' },
  paramsLimit: { type: 'number', exclusiveMinimum: 0, description: 'Only propose architectures with at most this many parameters (needs the space cost model).' },
} as const;

/** Builds a tuner's classArgs schema: the common properties plus its own; unknown keys rejected. */
export function classArgsSchema(own: Record<string, object>): object {
  return { type: 'object', additionalProperties: false, properties: { ...COMMON_ARGS_PROPERTIES, ...own } };
}

/** What every tuner reads from classArgs. */
export interface CommonArgs {
  optimizeMode: OptimizeMode;
  limits: CostLimits;
}

/**
 * Rejects classArgs keys that the schema does not list, naming the allowed ones. Called by factories
 * on create (the config loader's ajv check normally catches this earlier). Throws TunerArgsError.
 */
export function rejectUnknownArgs(args: Record<string, unknown>, schema: object): void {
  const props = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  for (const key of Object.keys(args)) {
    if (!(key in props)) throw new TunerArgsError(`/${key}`, `unknown argument; allowed: ${Object.keys(props).join(', ')}`);
  }
}

/** Reads a number argument (default when absent). Throws TunerArgsError when not a number within bounds. */
export function readNumber(args: Record<string, unknown>, key: string, def: number, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = args[key];
  if (v === undefined) return def;
  const kind = opts.integer ? 'an integer' : 'a number';
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    throw new TunerArgsError(`/${key}`, `must be ${kind}, got ${JSON.stringify(v)}`);
  }
  if (opts.min !== undefined && v < opts.min) throw new TunerArgsError(`/${key}`, `must be >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new TunerArgsError(`/${key}`, `must be <= ${opts.max}, got ${v}`);
  return v;
}

/** Reads a string argument that must be one of `allowed` (default when absent). Throws TunerArgsError. */
export function readEnum<T extends string>(args: Record<string, unknown>, key: string, allowed: readonly T[], def: T): T {
  const v = args[key];
  if (v === undefined) return def;
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) throw new TunerArgsError(`/${key}`, `must be one of ${allowed.join(' | ')}, got ${JSON.stringify(v)}`);
  return hit;
}

/**
 * Reads optimize_mode and the cost limits. Limits need a cost model: when one is set and the space
 * has none, throws TunerArgsError saying to generate the space with `nasctl ss_gen` (which writes
 * `_cost`) or to remove the limit. Also throws when flopsMin > flopsLimit.
 */
export function readCommonArgs(args: Record<string, unknown>, cost: CostModel | undefined): CommonArgs {
  const optimizeMode = readEnum(args, 'optimize_mode', ['maximize', 'minimize'] as const, 'maximize');
  const limits: CostLimits = {};
  if (args.flopsLimit !== undefined) limits.flopsMax = readNumber(args, 'flopsLimit', 0, { min: 0 });
  if (args.flopsMin !== undefined) limits.flopsMin = readNumber(args, 'flopsMin', 0, { min: 0 });
  if (args.paramsLimit !== undefined) limits.paramsMax = readNumber(args, 'paramsLimit', 0, { min: 0 });
  const firstLimit = (['flopsLimit', 'flopsMin', 'paramsLimit'] as const).find((k) => args[k] !== undefined);
  if (firstLimit !== undefined && cost === undefined) {
    throw new TunerArgsError(
      `/${firstLimit}`,
      'cost limits need the search space cost model (the "_cost" block written by `nasctl ss_gen`); regenerate the search space with ss_gen or remove the limit',
    );
  }
  if (limits.flopsMin !== undefined && limits.flopsMax !== undefined && limits.flopsMin > limits.flopsMax) {
    throw new TunerArgsError('/flopsMin', `flopsMin (${limits.flopsMin}) is above flopsLimit (${limits.flopsMax}); no architecture can satisfy both`);
  }
  return { optimizeMode, limits };
}
