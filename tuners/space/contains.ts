import type { ParameterSpec, SearchSpace } from '../search-space';
import type { Candidate } from '../tuner';

const EPS = 1e-9;

function isMultiple(x: number, q: number): boolean {
  const r = x / q;
  return Math.abs(r - Math.round(r)) <= EPS * Math.max(1, Math.abs(r));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberProblem(key: string, v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? undefined : `"${key}": expected a finite number, got ${JSON.stringify(v)}`;
}

/**
 * Checks one value against its spec; returns what is wrong, or undefined.
 * Quantized values must be multiples of q (or the clipped bound), within float tolerance.
 */
export function valueProblem(key: string, spec: ParameterSpec, v: unknown): string | undefined {
  switch (spec._type) {
    case 'choice':
      return spec._value.some((c) => c === v) ? undefined : `"${key}": ${JSON.stringify(v)} is not one of ${JSON.stringify(spec._value)}`;
    case 'layer_choice': {
      if (!isRecord(v) || typeof v._value !== 'string' || !Number.isInteger(v._idx)) {
        return `"${key}": layer_choice value must be {_value: string, _idx: integer}, got ${JSON.stringify(v)}`;
      }
      const idx = v._idx as number;
      return spec._value[idx] === v._value ? undefined : `"${key}": _idx ${idx} does not name "${v._value}" in ${JSON.stringify(spec._value)}`;
    }
    case 'input_choice': {
      const { candidates, n_chosen } = spec._value;
      if (!isRecord(v) || !Array.isArray(v._value) || !Array.isArray(v._idx)) {
        return `"${key}": input_choice value must be {_value: string[], _idx: integer[]}, got ${JSON.stringify(v)}`;
      }
      const names = v._value as unknown[];
      const idx = v._idx as unknown[];
      if (names.length !== n_chosen || idx.length !== n_chosen) return `"${key}": expected ${n_chosen} chosen inputs, got ${idx.length}`;
      if (new Set(idx).size !== idx.length) return `"${key}": chosen inputs must be distinct, got ${JSON.stringify(idx)}`;
      for (let i = 0; i < idx.length; i++) {
        const j = idx[i];
        if (typeof j !== 'number' || !Number.isInteger(j) || candidates[j] !== names[i]) {
          return `"${key}": _idx ${JSON.stringify(j)} does not name ${JSON.stringify(names[i])} in ${JSON.stringify(candidates)}`;
        }
      }
      return undefined;
    }
    case 'randint': {
      const [low, high] = spec._value;
      return typeof v === 'number' && Number.isInteger(v) && v >= low && v < high ? undefined : `"${key}": ${JSON.stringify(v)} is not an integer in [${low}, ${high})`;
    }
    case 'uniform':
    case 'loguniform': {
      const [low, high] = spec._value;
      const np = numberProblem(key, v);
      if (np) return np;
      return (v as number) >= low - EPS && (v as number) <= high + EPS ? undefined : `"${key}": ${v} is outside [${low}, ${high}]`;
    }
    case 'quniform':
    case 'qloguniform': {
      const [low, high, q] = spec._value;
      const np = numberProblem(key, v);
      if (np) return np;
      const x = v as number;
      if (x < low - EPS || x > high + EPS) return `"${key}": ${x} is outside [${low}, ${high}]`;
      return isMultiple(x, q) || Math.abs(x - low) <= EPS || Math.abs(x - high) <= EPS ? undefined : `"${key}": ${x} is not a multiple of q=${q}`;
    }
    case 'normal':
      return numberProblem(key, v);
    case 'lognormal': {
      const np = numberProblem(key, v);
      return np ?? ((v as number) > 0 ? undefined : `"${key}": lognormal value must be > 0, got ${v}`);
    }
    case 'qnormal':
    case 'qlognormal': {
      const np = numberProblem(key, v);
      if (np) return np;
      if (spec._type === 'qlognormal' && (v as number) < 0) return `"${key}": qlognormal value must be >= 0, got ${v}`;
      return isMultiple(v as number, spec._value[2]) ? undefined : `"${key}": ${v} is not a multiple of q=${spec._value[2]}`;
    }
  }
}

/**
 * Returns the first way `candidate` violates `space` (a missing or extra key, a value outside its
 * spec), or undefined when the candidate is inside the space. Used by the tuner contract suite and
 * by anything that accepts a user-supplied architecture. Never throws.
 */
export function isInSpace(candidate: Candidate, space: SearchSpace): string | undefined {
  for (const key of Object.keys(space)) {
    if (!(key in candidate)) return `"${key}": missing from the candidate`;
  }
  for (const key of Object.keys(candidate)) {
    if (!(key in space)) return `"${key}": not a parameter of the search space`;
  }
  for (const [key, spec] of Object.entries(space)) {
    const p = valueProblem(key, spec, candidate[key]);
    if (p !== undefined) return p;
  }
  return undefined;
}
