import type { ParameterSpec, SearchSpace } from '../search-space';
import type { Candidate } from '../tuner';
import type { Rng } from '../rng';

/** NNI's value of a layer_choice parameter: the candidate name and its index. */
export interface LayerChoiceValue {
  _value: string;
  _idx: number;
}

/** NNI's value of an input_choice parameter: the chosen names and their indices, same order. */
export interface InputChoiceValue {
  _value: string[];
  _idx: number[];
}

/** Rounds `x` to a multiple of `q`, avoiding float noise such as 0.30000000000000004. */
export function quantize(x: number, q: number): number {
  const steps = Math.round(x / q);
  return Number((steps * q).toPrecision(12));
}

function clip(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

/**
 * Draws one value of a parameter, uniformly (or per its distribution) as NNI's random tuner does:
 * choice -> the value; layer_choice -> {_value, _idx}; input_choice -> n_chosen distinct
 * candidates in ascending index order; randint -> integer in [low, high); uniform in [low, high);
 * loguniform log-uniform; q* -> round(x/q)*q (uniform ones clipped to [low, high]);
 * normal N(mu, sigma); lognormal exp(N(mu, sigma)).
 * Assumes the spec is well formed (see {@link specProblem}); all randomness comes from `rng`.
 */
export function sampleParameter(spec: ParameterSpec, rng: Rng): unknown {
  switch (spec._type) {
    case 'choice':
      return spec._value[rng.int(spec._value.length)];
    case 'layer_choice': {
      const i = rng.int(spec._value.length);
      const v: LayerChoiceValue = { _value: spec._value[i] as string, _idx: i };
      return v;
    }
    case 'input_choice': {
      const { candidates, n_chosen } = spec._value;
      const pool = candidates.map((_, i) => i);
      for (let i = 0; i < n_chosen; i++) {
        const j = i + rng.int(pool.length - i);
        const t = pool[i] as number;
        pool[i] = pool[j] as number;
        pool[j] = t;
      }
      const idx = pool.slice(0, n_chosen).sort((a, b) => a - b);
      const v: InputChoiceValue = { _value: idx.map((i) => candidates[i] as string), _idx: idx };
      return v;
    }
    case 'randint': {
      const [low, high] = spec._value;
      return low + rng.int(high - low);
    }
    case 'uniform': {
      const [low, high] = spec._value;
      return low + rng.next() * (high - low);
    }
    case 'loguniform': {
      const [low, high] = spec._value;
      return Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)));
    }
    case 'quniform': {
      const [low, high, q] = spec._value;
      return clip(quantize(low + rng.next() * (high - low), q), low, high);
    }
    case 'qloguniform': {
      const [low, high, q] = spec._value;
      const x = Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)));
      return clip(quantize(x, q), low, high);
    }
    case 'normal':
      return spec._value[0] + spec._value[1] * rng.normal();
    case 'lognormal':
      return Math.exp(spec._value[0] + spec._value[1] * rng.normal());
    case 'qnormal':
      return quantize(spec._value[0] + spec._value[1] * rng.normal(), spec._value[2]);
    case 'qlognormal':
      return quantize(Math.exp(spec._value[0] + spec._value[1] * rng.normal()), spec._value[2]);
  }
}

/**
 * Draws a whole candidate: one value per key, in the space's key order. Called by tuners whenever
 * they need a random architecture. Assumes a well-formed space ({@link spaceProblem} is undefined).
 */
export function sampleCandidate(space: SearchSpace, rng: Rng): Candidate {
  const out: Candidate = {};
  for (const [key, spec] of Object.entries(space)) out[key] = sampleParameter(spec, rng);
  return out;
}

/**
 * Checks that one parameter spec is usable (known `_type`, bounds in order, positive q, ...).
 * Returns a message naming what is wrong, or undefined. Called by tuner factories on create.
 */
export function specProblem(key: string, spec: ParameterSpec): string | undefined {
  const v: unknown = spec._value;
  const nums = (n: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  switch (spec._type) {
    case 'choice':
      return Array.isArray(v) && v.length > 0 ? undefined : `"${key}": choice needs a non-empty _value array`;
    case 'layer_choice':
      return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')
        ? undefined
        : `"${key}": layer_choice needs a non-empty array of candidate names`;
    case 'input_choice': {
      const ok = typeof v === 'object' && v !== null && Array.isArray(spec._value.candidates) &&
        Number.isInteger(spec._value.n_chosen) && spec._value.n_chosen >= 0 &&
        spec._value.n_chosen <= spec._value.candidates.length;
      return ok ? undefined : `"${key}": input_choice needs {candidates: string[], n_chosen} with 0 <= n_chosen <= candidates.length`;
    }
    case 'randint':
      return nums(2) && Number.isInteger(spec._value[0]) && Number.isInteger(spec._value[1]) && spec._value[0] < spec._value[1]
        ? undefined
        : `"${key}": randint needs integers [low, high] with low < high (high is excluded)`;
    case 'uniform':
      return nums(2) && spec._value[0] <= spec._value[1] ? undefined : `"${key}": uniform needs [low, high] with low <= high`;
    case 'loguniform':
      return nums(2) && spec._value[0] > 0 && spec._value[0] <= spec._value[1]
        ? undefined
        : `"${key}": loguniform needs [low, high] with 0 < low <= high`;
    case 'quniform':
    case 'qloguniform':
      if (!nums(3) || spec._value[0] > spec._value[1] || spec._value[2] <= 0) {
        return `"${key}": ${spec._type} needs [low, high, q] with low <= high and q > 0`;
      }
      return spec._type === 'qloguniform' && spec._value[0] <= 0 ? `"${key}": qloguniform needs low > 0` : undefined;
    case 'normal':
    case 'lognormal':
      return nums(2) && spec._value[1] > 0 ? undefined : `"${key}": ${spec._type} needs [mu, sigma] with sigma > 0`;
    case 'qnormal':
    case 'qlognormal':
      return nums(3) && spec._value[1] > 0 && spec._value[2] > 0
        ? undefined
        : `"${key}": ${spec._type} needs [mu, sigma, q] with sigma > 0 and q > 0`;
    default:
      return `"${key}": unknown _type ${JSON.stringify((spec as { _type: unknown })._type)}`;
  }
}

/** First problem of a whole space ({@link specProblem}), or undefined when every key is usable. */
export function spaceProblem(space: SearchSpace): string | undefined {
  if (Object.keys(space).length === 0) return 'the search space is empty: declare at least one parameter';
  for (const [key, spec] of Object.entries(space)) {
    const p = specProblem(key, spec);
    if (p !== undefined) return `search space ${p}`;
  }
  return undefined;
}
