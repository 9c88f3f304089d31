import { ConfigError } from '../errors';
import { COST_KEY, type CostModel, type ParameterSpec, type SearchSpace } from '../../tuners/search-space';
import searchSpaceSchema from './search-space.schema.json';
import { createConfigAjv } from './create-ajv';
import { describeValue } from './describe-value';
import { collectSchemaIssues, escapePointer, issuesToConfigError, type SchemaIssue } from './schema-errors';

/** A validated search space and, when the file had one, its cost model. */
export interface ValidatedSearchSpace {
  space: SearchSpace;
  cost?: CostModel;
}

/**
 * Validates a search space in NNI's format (key -> {_type, _value}) and splits off the reserved
 * `_cost` key. Called by the config loader for inline spaces and for searchSpaceFile contents,
 * and usable by `ss_gen` to check its own output. Does not modify `raw`.
 *
 * @param pointerPrefix JSON pointer prepended to error paths (e.g. "/searchSpace").
 * @param fileNote appended to error messages, e.g. " (in search space file /x/space.json)".
 * @throws ConfigError at the offending key (e.g. "/searchSpace/LayerChoice3/_value") when the space
 *   is not an object, is empty, uses a reserved `_` key, or a parameter's `_value` does not fit its
 *   `_type` (empty lists, low >= high, sigma <= 0, q <= 0, n_chosen > candidates, ...), or when
 *   `_cost` is malformed or names keys that are not in the space.
 */
export function validateSearchSpace(raw: unknown, pointerPrefix: string, fileNote = ''): ValidatedSearchSpace {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(pointerPrefix, `expected a search space object (key -> {_type, _value}); found ${describeValue(raw)}${fileNote}`);
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key.startsWith('_') && key !== COST_KEY) {
      throw new ConfigError(
        `${pointerPrefix}/${escapePointer(key)}`,
        `keys starting with '_' are reserved; '${key}' is not allowed (only '${COST_KEY}', the cost model, is). Rename the parameter${fileNote}`,
      );
    }
  }
  const ajv = createConfigAjv();
  const validate = ajv.compile(searchSpaceSchema);
  if (!validate(record)) {
    const issues = collectSchemaIssues(validate.errors ?? [], { prefix: pointerPrefix, rootSchema: searchSpaceSchema });
    throw issuesToConfigError(issues, fileNote);
  }
  const space: SearchSpace = {};
  for (const [key, spec] of Object.entries(record)) {
    if (key === COST_KEY) continue;
    space[key] = spec as ParameterSpec;
  }
  const semantic = Object.entries(space).flatMap(([key, spec]) => checkParameter(spec, `${pointerPrefix}/${escapePointer(key)}`));
  if (semantic.length > 0) throw issuesToConfigError(semantic, fileNote);
  if (Object.keys(space).length === 0) {
    throw new ConfigError(pointerPrefix, `the search space is empty; add at least one parameter (key -> {_type, _value})${fileNote}`);
  }
  const costRaw = record[COST_KEY];
  if (costRaw === undefined) return { space };
  const cost = costRaw as CostModel;
  for (const key of Object.keys(cost.perChoice)) {
    if (!(key in space)) {
      throw new ConfigError(
        `${pointerPrefix}/${COST_KEY}/perChoice/${escapePointer(key)}`,
        `the cost model names '${key}', which is not a parameter of the search space; regenerate the file with \`nasctl ss_gen\`${fileNote}`,
      );
    }
  }
  return { space, cost };
}

/** Checks what the schema cannot express (orderings between items). Pure. */
function checkParameter(spec: ParameterSpec, path: string): SchemaIssue[] {
  const at = `${path}/_value`;
  const bad = (message: string): SchemaIssue[] => [{ path: at, message: `${message}; found ${describeValue(spec._value)}`, rank: 1 }];
  switch (spec._type) {
    case 'choice':
    case 'layer_choice':
      return [];
    case 'input_choice': {
      const { candidates, n_chosen: n } = spec._value;
      if (n > candidates.length) {
        return [{ path: `${at}/n_chosen`, message: `n_chosen must be at most the number of candidates (${candidates.length}); found ${n}`, rank: 1 }];
      }
      return [];
    }
    case 'randint':
      return spec._value[0] < spec._value[1] ? [] : bad('randint needs [low, high) with low < high');
    case 'uniform':
    case 'loguniform': {
      const [low, high] = spec._value;
      if (!(low < high)) return bad(`${spec._type} needs [low, high] with low < high`);
      if (spec._type === 'loguniform' && !(low > 0)) return bad('loguniform needs low > 0');
      return [];
    }
    case 'quniform':
    case 'qloguniform': {
      const [low, high, q] = spec._value;
      if (!(low < high)) return bad(`${spec._type} needs [low, high, q] with low < high`);
      if (!(q > 0)) return bad(`${spec._type} needs q > 0`);
      if (spec._type === 'qloguniform' && !(low > 0)) return bad('qloguniform needs low > 0');
      return [];
    }
    case 'normal':
    case 'lognormal':
      return spec._value[1] > 0 ? [] : bad(`${spec._type} needs [mu, sigma] with sigma > 0`);
    case 'qnormal':
    case 'qlognormal': {
      const [, sigma, q] = spec._value;
      if (!(sigma > 0)) return bad(`${spec._type} needs [mu, sigma, q] with sigma > 0`);
      if (!(q > 0)) return bad(`${spec._type} needs q > 0`);
      return [];
    }
  }
}
