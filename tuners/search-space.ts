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
 * Optional cost model carried next to a generated search space (`ss_gen` output, key `_cost`
 * at the top level of the JSON file is NOT part of the space: it lives in a sibling field
 * `cost` of {@link SearchSpaceFile}). FLOPs/params of an architecture = base + sum of the
 * per-choice entries of the chosen candidates.
 */
export interface CostModel {
  /** FLOPs and params that do not depend on any choice. */
  base: { flops: number; params: number };
  /** key -> candidate name -> cost added when that candidate is chosen. */
  perChoice: Record<string, Record<string, { flops: number; params: number }>>;
}

/** What `nasctl ss_gen` writes: NNI's flat space, plus an optional cost model. */
export interface SearchSpaceFile {
  space: SearchSpace;
  cost?: CostModel;
}
