import type { CostModel, ParameterValue, SearchSpace, TrialParameters } from '../api/types';
import { chosenValue, valueText } from './format';

/** One block of a trial's architecture, as drawn by the diagram. */
export interface ArchBlock {
  key: string;
  kind: 'layer' | 'input' | 'param';
  /** Chosen candidate(s) as text. */
  chosen: string[];
  /** Every candidate of the choice (empty for numeric parameters). */
  candidates: string[];
  flops?: number;
  params?: number;
}

/** A trial's architecture: its blocks in search-space order and its total cost when known. */
export interface Architecture {
  blocks: ArchBlock[];
  flops?: number;
  params?: number;
}

function asStrings(v: ParameterValue | undefined): string[] {
  if (v === undefined) return [];
  const c = chosenValue(v);
  return Array.isArray(c) ? c.map(valueText) : [valueText(c)];
}

/**
 * Builds the architecture of `parameters` over `space`: layer_choice keys become layer blocks,
 * input_choice keys input blocks, other keys parameter blocks; with a cost model, FLOPs/params
 * per block and in total (base + chosen candidates). Keys missing from the parameters are
 * shown with no choice. Pure.
 */
export function buildArchitecture(space: SearchSpace, parameters: TrialParameters, cost?: CostModel): Architecture {
  const blocks: ArchBlock[] = [];
  let flops = cost?.base.flops;
  let params = cost?.base.params;
  for (const [key, spec] of Object.entries(space)) {
    if (key.startsWith('_')) continue;
    const chosen = asStrings(parameters[key]);
    let candidates: string[] = [];
    let kind: ArchBlock['kind'] = 'param';
    if (spec._type === 'layer_choice') {
      kind = 'layer';
      candidates = spec._value.map(String);
    } else if (spec._type === 'input_choice') {
      kind = 'input';
      candidates = spec._value.candidates.map(String);
    } else if (spec._type === 'choice') {
      candidates = spec._value.map(valueText);
    }
    const block: ArchBlock = { key, kind, chosen, candidates };
    const per = cost?.perChoice[key];
    if (per) {
      let f = 0;
      let p = 0;
      let found = false;
      for (const c of chosen) {
        const e = per[c];
        if (e) {
          f += e.flops;
          p += e.params;
          found = true;
        }
      }
      if (found) {
        block.flops = f;
        block.params = p;
        if (flops !== undefined) flops += f;
        if (params !== undefined) params += p;
      }
    }
    blocks.push(block);
  }
  return { blocks, flops, params };
}

/** True when the space has at least one layer_choice or input_choice (a NAS space). */
export function isNasSpace(space: SearchSpace): boolean {
  return Object.values(space).some((s) => s._type === 'layer_choice' || s._type === 'input_choice');
}
