import type { Supernet } from './supernet';
import { formatNb201ArchString } from './nb201/nb201-arch';

/**
 * The string key of an architecture, as rollouts and ground-truth tables name it: NB201's arch
 * string (`|nor_conv_3x3~0|+|...|`) for the NB201 space, otherwise the canonical index list as
 * JSON (`[0,3,1,0,1]`: entry i is the candidate index of search-space key i). `arch` must be
 * canonical indices (Supernet.parseArch).
 */
export function archKey(net: Supernet, arch: readonly number[]): string {
  if (net.name === 'nb201') return formatNb201ArchString(arch);
  return JSON.stringify(arch);
}
