import type { Rng } from '../rng';
import type { Encoding } from '../space/encode';

/** A candidate as a vector of genes (see {@link Encoding}). */
export type Genome = number[];

/**
 * SPOS mutation: each gene is redrawn uniformly with probability `prob` (the new value may equal
 * the old one, as in the official code). Pure apart from `rng`.
 */
export function mutateEach(parent: readonly number[], enc: Encoding, prob: number, rng: Rng): Genome {
  return parent.map((g, i) => (rng.next() < prob ? enc.randomGene(i, rng) : g));
}

/**
 * Aging-evolution mutation (Real et al. 2019): one gene, chosen uniformly, gets a different value
 * (discrete genes: one of the other indices; continuous: a fresh sample). A gene with a single
 * value cannot change, so genes of size 1 are not picked while others exist.
 */
export function mutateOne(parent: readonly number[], enc: Encoding, rng: Rng): Genome {
  const mutable = enc.genes.map((g, i) => (g.kind === 'continuous' || g.size > 1 ? i : -1)).filter((i) => i >= 0);
  const child = [...parent];
  if (mutable.length === 0) return child;
  const i = mutable[rng.int(mutable.length)] as number;
  const gene = enc.genes[i];
  if (gene?.kind === 'discrete') {
    const other = rng.int(gene.size - 1);
    child[i] = other >= (parent[i] as number) ? other + 1 : other;
  } else {
    child[i] = enc.randomGene(i, rng);
  }
  return child;
}

/** Uniform crossover: each gene from either parent with probability 1/2 (SPOS). */
export function crossover(a: readonly number[], b: readonly number[], rng: Rng): Genome {
  return a.map((g, i) => (rng.next() < 0.5 ? g : (b[i] as number)));
}
