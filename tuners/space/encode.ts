import type { ParameterSpec, SearchSpace } from '../search-space';
import type { Candidate } from '../tuner';
import type { Rng } from '../rng';
import { rankCombination } from './combinations';
import { gridAxis } from './grid';
import type { GridAxis } from './grid';
import { sampleParameter } from './sample';

/**
 * One position of a genome. Discrete genes (choice, layer_choice, input_choice as a combination
 * rank, randint, quniform) hold an index in [0, size); continuous genes (uniform, loguniform,
 * qloguniform, normal family) hold the value itself.
 */
export type GeneSpec =
  | { readonly key: string; readonly kind: 'discrete'; readonly size: number }
  | { readonly key: string; readonly kind: 'continuous' };

/** Candidate <-> vector of numbers, one gene per key in space order; for mutation and crossover. */
export interface Encoding {
  readonly genes: readonly GeneSpec[];
  /** Genome of a candidate inside the space. Throws RangeError when a value is not in the space. */
  encode(candidate: Candidate): number[];
  /** Candidate of a genome produced by {@link encode} or {@link randomGene}. */
  decode(genome: readonly number[]): Candidate;
  /** A fresh random value for gene `i` (uniform index, or a sample of the continuous spec). */
  randomGene(i: number, rng: Rng): number;
}

const DISCRETE: ReadonlySet<ParameterSpec['_type']> = new Set(['choice', 'layer_choice', 'input_choice', 'randint', 'quniform']);

function indexOf(key: string, spec: ParameterSpec, axis: GridAxis, value: unknown): number {
  let i = -1;
  if (spec._type === 'choice') i = spec._value.findIndex((c) => c === value);
  else if (spec._type === 'layer_choice') i = (value as { _idx?: number } | null)?._idx ?? -1;
  else if (spec._type === 'input_choice') {
    const idx = (value as { _idx?: number[] } | null)?._idx;
    i = Array.isArray(idx) ? rankCombination(spec._value.candidates.length, idx) : -1;
  } else if (spec._type === 'randint' && typeof value === 'number') i = value - spec._value[0];
  else if (spec._type === 'quniform' && typeof value === 'number') {
    let best = Infinity;
    for (let j = 0; j < axis.size; j++) {
      const d = Math.abs((axis.valueAt(j) as number) - value);
      if (d < best) {
        best = d;
        i = j;
      }
    }
  }
  if (!Number.isInteger(i) || i < 0 || i >= axis.size) throw new RangeError(`cannot encode "${key}" = ${JSON.stringify(value)}: not in the search space`);
  return i;
}

/**
 * Builds the encoding of a space. Called once by evolution tuners on create; assumes a well-formed
 * space. Never throws on create.
 */
export function createEncoding(space: SearchSpace): Encoding {
  const entries = Object.entries(space);
  const axes = entries.map(([key, spec]) => (DISCRETE.has(spec._type) ? gridAxis(key, spec, 1) : undefined));
  const genes: GeneSpec[] = entries.map(([key, spec], i) =>
    DISCRETE.has(spec._type) ? { key, kind: 'discrete', size: (axes[i] as GridAxis).size } : { key, kind: 'continuous' },
  );
  return {
    genes,
    encode(candidate: Candidate): number[] {
      return entries.map(([key, spec], i) => {
        const axis = axes[i];
        if (axis) return indexOf(key, spec, axis, candidate[key]);
        const v = candidate[key];
        if (typeof v !== 'number') throw new RangeError(`cannot encode "${key}" = ${JSON.stringify(v)}: expected a number`);
        return v;
      });
    },
    decode(genome: readonly number[]): Candidate {
      const out: Candidate = {};
      entries.forEach(([key], i) => {
        const axis = axes[i];
        const g = genome[i] as number;
        out[key] = axis ? axis.valueAt(g) : g;
      });
      return out;
    },
    randomGene(i: number, rng: Rng): number {
      const gene = genes[i] as GeneSpec;
      if (gene.kind === 'discrete') return rng.int(gene.size);
      return sampleParameter((entries[i] as [string, ParameterSpec])[1], rng) as number;
    },
  };
}
