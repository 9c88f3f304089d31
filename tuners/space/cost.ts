import type { CostModel, ParameterSpec, SearchSpace } from '../search-space';
import type { Candidate, CostLimits } from '../tuner';

/** FLOPs and parameter count of one architecture under a {@link CostModel}. */
export interface Cost {
  flops: number;
  params: number;
}

/** The names a candidate value chose: layer_choice/input_choice `_value`(s), or String(choice). */
function chosenNames(value: unknown): string[] {
  if (typeof value === 'object' && value !== null && '_value' in value) {
    const v = (value as { _value: unknown })._value;
    return Array.isArray(v) ? v.map(String) : [String(v)];
  }
  return [String(value)];
}

/**
 * Cost of a candidate: base + the per-choice entries of each chosen candidate name. Keys or names
 * the model does not list cost nothing (e.g. a numeric hyper-parameter). Assumes the candidate is
 * inside the space the model was written for; never throws.
 */
export function candidateCost(candidate: Candidate, costModel: CostModel): Cost {
  let flops = costModel.base.flops;
  let params = costModel.base.params;
  for (const [key, table] of Object.entries(costModel.perChoice)) {
    if (!(key in candidate)) continue;
    for (const name of chosenNames(candidate[key])) {
      const entry = table[name];
      if (entry) {
        flops += entry.flops;
        params += entry.params;
      }
    }
  }
  return { flops, params };
}

/** True when the cost satisfies every limit that is set (flopsMin <= flops <= flopsMax, params <= paramsMax). */
export function withinLimits(cost: Cost, limits: CostLimits): boolean {
  if (limits.flopsMax !== undefined && cost.flops > limits.flopsMax) return false;
  if (limits.flopsMin !== undefined && cost.flops < limits.flopsMin) return false;
  if (limits.paramsMax !== undefined && cost.params > limits.paramsMax) return false;
  return true;
}

/** True when no limit is set, i.e. the cost model need not be consulted. */
export function noLimits(limits: CostLimits): boolean {
  return limits.flopsMax === undefined && limits.flopsMin === undefined && limits.paramsMax === undefined;
}

/** The names a cost model may list for a parameter: its candidates (String(v) for a choice); none for numeric types. */
function candidateNames(spec: ParameterSpec): readonly string[] {
  switch (spec._type) {
    case 'layer_choice':
      return spec._value;
    case 'input_choice':
      return spec._value.candidates;
    case 'choice':
      return spec._value.map(String);
    default:
      return [];
  }
}

/**
 * Checks that a cost model fits a space: every perChoice key is a parameter of the space and every
 * listed name is one of that parameter's candidates. Returns the first problem, or undefined.
 * Called by tuner factories on create, so a stale `_cost` block is caught before the search starts.
 */
export function costModelProblem(space: SearchSpace, costModel: CostModel): string | undefined {
  if (!Number.isFinite(costModel.base?.flops) || !Number.isFinite(costModel.base?.params)) {
    return 'cost model: base.flops and base.params must be finite numbers';
  }
  for (const [key, table] of Object.entries(costModel.perChoice ?? {})) {
    const spec = space[key];
    if (!spec) return `cost model: "${key}" is not a parameter of the search space; regenerate it with nasctl ss_gen`;
    const names = candidateNames(spec);
    for (const name of Object.keys(table)) {
      if (!names.includes(name)) return `cost model: "${key}" has no candidate "${name}"; regenerate it with nasctl ss_gen`;
    }
  }
  return undefined;
}

/** Smallest and largest FLOPs and params any architecture of the space can have. */
export interface CostBounds {
  min: Cost;
  max: Cost;
}

/**
 * Exact bounds of the cost over the space (per key, the cheapest and dearest candidates; for an
 * input_choice the n_chosen cheapest / dearest). Costs are additive per key, so the bounds are
 * attained. Assumes the model fits the space ({@link costModelProblem}); never throws.
 */
export function costBounds(space: SearchSpace, costModel: CostModel): CostBounds {
  const min: Cost = { ...costModel.base };
  const max: Cost = { ...costModel.base };
  for (const [key, spec] of Object.entries(space)) {
    const table = costModel.perChoice[key];
    if (!table) continue;
    const names = candidateNames(spec);
    const k = spec._type === 'input_choice' ? spec._value.n_chosen : 1;
    for (const field of ['flops', 'params'] as const) {
      const vals = names.map((n) => table[n]?.[field] ?? 0).sort((a, b) => a - b);
      min[field] += vals.slice(0, k).reduce((s, x) => s + x, 0);
      max[field] += vals.slice(vals.length - k).reduce((s, x) => s + x, 0);
    }
  }
  return { min, max };
}

/** True when some architecture might fit: the limits do not exclude the whole {@link CostBounds}. */
export function boundsAdmit(bounds: CostBounds, limits: CostLimits): boolean {
  if (limits.flopsMax !== undefined && bounds.min.flops > limits.flopsMax) return false;
  if (limits.flopsMin !== undefined && bounds.max.flops < limits.flopsMin) return false;
  if (limits.paramsMax !== undefined && bounds.min.params > limits.paramsMax) return false;
  return true;
}
