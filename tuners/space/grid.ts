import type { ParameterSpec, SearchSpace } from '../search-space';
import type { Candidate } from '../tuner';
import { binomial, unrankCombination } from './combinations';
import { quantize } from './sample';
import type { InputChoiceValue, LayerChoiceValue } from './sample';

/** The grid values of one parameter, addressed by index so nothing large is materialized. */
export interface GridAxis {
  readonly key: string;
  readonly size: number;
  valueAt(i: number): unknown;
}

/** A whole grid: the product of its axes, first key slowest and last key fastest (as itertools.product). */
export interface Grid {
  readonly axes: readonly GridAxis[];
  /** Number of points (exact; the grid refuses to exist beyond Number.MAX_SAFE_INTEGER). */
  readonly size: number;
  /** The point with this index, 0 <= index < size. Throws RangeError otherwise. */
  at(index: number): Candidate;
}

function linspace(a: number, b: number, n: number): number[] {
  if (n === 1 || a === b) return [(a + b) / 2];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

function uniqueSorted(xs: number[]): number[] {
  return [...new Set(xs.map((x) => (Object.is(x, -0) ? 0 : x)))].sort((a, b) => a - b);
}

function listAxis(key: string, values: readonly unknown[]): GridAxis {
  return { key, size: values.length, valueAt: (i) => values[i] };
}

/**
 * The grid axis of one parameter. Discrete types are enumerated fully (choice, layer_choice,
 * input_choice combinations in lexicographic order, randint every integer, quniform every multiple
 * of q in [low, high] plus the clipped bounds). Continuous types are quantized as NNI does, at
 * `gridPoints` points: uniform linearly over [low, high], loguniform geometrically, normal types
 * linearly over mu ± 2 sigma (exp'd for lognormal), q-types rounded to q and deduplicated.
 * Assumes a well-formed spec and gridPoints >= 1.
 */
export function gridAxis(key: string, spec: ParameterSpec, gridPoints: number): GridAxis {
  switch (spec._type) {
    case 'choice':
      return listAxis(key, spec._value);
    case 'layer_choice':
      return {
        key,
        size: spec._value.length,
        valueAt: (i): LayerChoiceValue => ({ _value: spec._value[i] as string, _idx: i }),
      };
    case 'input_choice': {
      const { candidates, n_chosen } = spec._value;
      return {
        key,
        size: binomial(candidates.length, n_chosen),
        valueAt: (i): InputChoiceValue => {
          const idx = unrankCombination(candidates.length, n_chosen, i);
          return { _value: idx.map((j) => candidates[j] as string), _idx: idx };
        },
      };
    }
    case 'randint': {
      const [low, high] = spec._value;
      return { key, size: high - low, valueAt: (i) => low + i };
    }
    case 'uniform':
      return listAxis(key, linspace(spec._value[0], spec._value[1], gridPoints));
    case 'loguniform': {
      const [low, high] = spec._value;
      return listAxis(key, linspace(Math.log(low), Math.log(high), gridPoints).map(Math.exp));
    }
    case 'quniform': {
      const [low, high, q] = spec._value;
      const first = Math.ceil(low / q - 1e-9);
      const last = Math.floor(high / q + 1e-9);
      const inner = last >= first ? Array.from({ length: last - first + 1 }, (_, i) => quantize((first + i) * q, q)) : [];
      return listAxis(key, uniqueSorted([low, ...inner, high]));
    }
    case 'qloguniform': {
      const [low, high, q] = spec._value;
      const pts = linspace(Math.log(low), Math.log(high), gridPoints).map((x) => Math.min(high, Math.max(low, quantize(Math.exp(x), q))));
      return listAxis(key, uniqueSorted(pts));
    }
    case 'normal':
    case 'lognormal':
    case 'qnormal':
    case 'qlognormal': {
      const [mu, sigma] = spec._value;
      let pts = linspace(mu - 2 * sigma, mu + 2 * sigma, gridPoints);
      if (spec._type === 'lognormal' || spec._type === 'qlognormal') pts = pts.map(Math.exp);
      if (spec._type === 'qnormal' || spec._type === 'qlognormal') pts = pts.map((x) => quantize(x, spec._value[2]));
      return listAxis(key, uniqueSorted(pts));
    }
  }
}

/**
 * Builds the lazy grid of a space. Called once by the grid-search tuner on create.
 * Throws RangeError when the grid has more than Number.MAX_SAFE_INTEGER points (no search could
 * ever walk it; use a sampling tuner instead).
 */
export function createGrid(space: SearchSpace, gridPoints: number): Grid {
  const axes = Object.entries(space).map(([key, spec]) => gridAxis(key, spec, gridPoints));
  let size = 1;
  for (const a of axes) {
    size *= a.size;
    if (size > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`the grid of this search space has more than ${Number.MAX_SAFE_INTEGER} points; use the Random or Evolution tuner instead`);
    }
  }
  return {
    axes,
    size,
    at(index: number): Candidate {
      if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`grid index ${index} outside [0, ${size})`);
      const out: Candidate = {};
      let rest = index;
      const digits: number[] = new Array<number>(axes.length);
      for (let d = axes.length - 1; d >= 0; d--) {
        const a = axes[d] as GridAxis;
        digits[d] = rest % a.size;
        rest = Math.floor(rest / a.size);
      }
      axes.forEach((a, d) => (out[a.key] = a.valueAt(digits[d] as number)));
      return out;
    },
  };
}
