/**
 * Search spaces in NNI's format: key -> { _type, _value }.
 * This file holds the types only; sampling, validation and encoding live beside it.
 */

export type ChoiceSpec = { _type: 'choice'; _value: Array<string | number | boolean | null> };
/** A supernet layer choice: candidate names ("0", "1", ... when unnamed). */
export type LayerChoiceSpec = { _type: 'layer_choice'; _value: string[] };
/** Choose `n_chosen` of `candidates` (input choice of a NAS cell). */
export type InputChoiceSpec = { _type: 'input_choice'; _value: { candidates: string[]; n_chosen: number } };
export type RandintSpec = { _type: 'randint'; _value: [number, number] };
export type UniformSpec = { _type: 'uniform' | 'loguniform'; _value: [number, number] };
export type QuantizedSpec = { _type: 'quniform' | 'qloguniform'; _value: [number, number, number] };
export type NormalSpec = { _type: 'normal' | 'lognormal'; _value: [number, number] };
export type QNormalSpec = { _type: 'qnormal' | 'qlognormal'; _value: [number, number, number] };

export type ParameterSpec =
  | ChoiceSpec
  | LayerChoiceSpec
  | InputChoiceSpec
  | RandintSpec
  | UniformSpec
  | QuantizedSpec
  | NormalSpec
  | QNormalSpec;

/** Keys in insertion order are the canonical order of the space. */
export type SearchSpace = Record<string, ParameterSpec>;

/**
 * Optional cost model of a search space. `nasctl ss_gen` writes it into the search space JSON
 * file under the reserved top-level key `_cost` (not a parameter: keys starting with "_" are
 * reserved); the config loader moves it to ExperimentConfig.searchSpaceCost. FLOPs/params of an
 * architecture = base + sum of the per-choice entries of the chosen candidates.
 */
export interface CostModel {
  /** FLOPs and params that do not depend on any choice. */
  base: { flops: number; params: number };
  /** key -> candidate name -> cost added when that candidate is chosen. */
  perChoice: Record<string, Record<string, { flops: number; params: number }>>;
}

/** Reserved top-level key of a search space file that holds the {@link CostModel}. */
export const COST_KEY = '_cost';
