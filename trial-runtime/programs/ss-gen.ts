import * as fs from 'node:fs';
import * as path from 'node:path';
import { COST_KEY, type CostModel, type SearchSpace } from '../../tuners/search-space';
import { TRIAL_ENV } from '../protocol/messages';
import { createSupernet, type SupernetOptions } from '../supernets/registry';
import type { Supernet } from '../supernets/supernet';

/** An `ss_gen` output: NNI-format keys plus, when the space's cost is additive, `_cost`. */
export type GeneratedSearchSpace = SearchSpace & { [COST_KEY]?: CostModel };

/**
 * The search space of a supernet in NNI's format plus its additive cost model under `_cost`
 * (omitted for spaces whose cost is not a sum over choices, e.g. NDS with ordinal channel
 * sharing; tuners then cannot check FLOPs limits offline). Pure: builds no weights.
 */
export function searchSpaceOf(net: Supernet): GeneratedSearchSpace {
  const out: GeneratedSearchSpace = net.searchSpace();
  const cost = net.costModel();
  if (cost !== undefined) (out as Record<string, unknown>)[COST_KEY] = cost;
  return out;
}

/**
 * `nasctl ss_gen --space NAME`: the space of a built-in supernet with `options`. Throws
 * ConfigError (path '/space') for an unknown space name or bad options. Allocates no tensors.
 */
export function generateSearchSpace(spaceName: string, options: SupernetOptions = {}): GeneratedSearchSpace {
  return searchSpaceOf(createSupernet(spaceName, options));
}

/**
 * Dry mode of the trial programs (`nasctl ss_gen -t "<trial command>"`): when
 * NASCTL_GEN_SEARCH_SPACE is set, writes the space of `net` there (JSON, keys in canonical order,
 * indent 2) and returns true: the caller exits 0 without training. Returns false otherwise.
 * Throws the fs error when the file cannot be written.
 */
export function writeSearchSpaceIfRequested(net: Supernet, env: NodeJS.ProcessEnv = process.env): boolean {
  const target = env[TRIAL_ENV.genSearchSpace];
  if (target === undefined || target === '') return false;
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(searchSpaceOf(net), null, 2) + '\n');
  return true;
}
