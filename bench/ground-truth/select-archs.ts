import { ConfigError } from '../../daemon/errors';
import { createRng } from '../../tuners/rng';
import type { SearchSpace } from '../../tuners/search-space';

/** One architecture of a ground-truth list with its analytic cost. */
export interface CostedArch {
  /** Candidate indices in search-space key order. */
  arch: number[];
  flops: number;
  params: number;
}

/**
 * Number of candidates of each key of a space of discrete choices, in key order. Called before
 * enumerating. Throws ConfigError (path `/<key>`) for a key that is not a discrete choice.
 */
export function choiceCounts(space: SearchSpace): number[] {
  return Object.entries(space).map(([key, spec]) => {
    if (spec._type === 'choice' || spec._type === 'layer_choice') return spec._value.length;
    if (spec._type === 'input_choice' && spec._value.n_chosen === 1) return spec._value.candidates.length;
    throw new ConfigError(`/${key}`, `is a ${spec._type}; ground-truth lists need a space of discrete choices`);
  });
}

/**
 * Every architecture of a space with `counts[i]` candidates at key i, in mixed-radix order (last
 * key fastest). Pure. Throws ConfigError when the space has more than `max` architectures.
 */
export function enumerateArchs(counts: readonly number[], max = 1_000_000): number[][] {
  const total = counts.reduce((a, c) => a * c, 1);
  if (total > max) throw new ConfigError('/space', `has ${total} architectures; enumerating more than ${max} is not supported, sample instead`);
  const out: number[][] = [];
  for (let n = 0; n < total; n++) {
    const arch = new Array<number>(counts.length);
    let r = n;
    for (let i = counts.length - 1; i >= 0; i--) {
      const c = counts[i] as number;
      arch[i] = r % c;
      r = Math.floor(r / c);
    }
    out.push(arch);
  }
  return out;
}

/**
 * FLOPs-stratified, seeded choice of `count` architectures: all architectures sorted by FLOPs
 * (ties by enumeration order), cut into `count` contiguous strata of (nearly) equal size, one
 * architecture drawn uniformly from each stratum with `createRng(seed)`. The result is in
 * increasing FLOPs order, covers the whole cost range and is the same for the same input and
 * seed. Pure. Throws ConfigError when `count` is not in [1, all.length].
 */
export function selectStratified(all: readonly CostedArch[], count: number, seed: number): CostedArch[] {
  if (!Number.isInteger(count) || count < 1 || count > all.length) {
    throw new ConfigError('--count', `must be an integer in [1, ${all.length}], got ${count}`);
  }
  const order = all.map((a, i) => ({ a, i })).sort((x, y) => x.a.flops - y.a.flops || x.i - y.i);
  const rng = createRng(seed, count);
  const out: CostedArch[] = [];
  for (let s = 0; s < count; s++) {
    const lo = Math.floor((s * order.length) / count);
    const hi = Math.floor(((s + 1) * order.length) / count);
    out.push((order[lo + rng.int(hi - lo)] as { a: CostedArch }).a);
  }
  return out;
}
