import type { Supernet } from './supernet';

/** A supernet whose architectures have a string form of their own (NB201 arch strings, NDS and DARTS genotypes). */
interface WithGenotype {
  genotype(arch: readonly number[]): string;
}

function hasGenotype(net: Supernet): net is Supernet & WithGenotype {
  return typeof (net as Partial<WithGenotype>).genotype === 'function';
}

/**
 * The string key of an architecture, as rollouts and ground-truth tables name it (see
 * docs/estimators.md, "Architecture keys"): the space's own string form when it has one (NB201
 * arch string, NDS / DARTS genotype), otherwise the canonical index list as JSON (`[0,3,1,0,1]`: entry i
 * is the candidate index of search-space key i). `arch` must be canonical indices (parseArch).
 */
export function archKey(net: Supernet, arch: readonly number[]): string {
  if (hasGenotype(net)) return net.genotype(arch);
  return JSON.stringify(arch);
}
