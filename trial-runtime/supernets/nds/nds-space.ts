import { ConfigError } from '../../../daemon/errors';
import type { SearchSpace } from '../../../tuners/search-space';

/** Which NDS space: ResNet (basic blocks) or ResNeXt-A (bottleneck, groups). */
export type NdsKind = 'resnet' | 'resnexta';

/** Options of an NDS supernet; choice lists default to the aw_nas spaces (ALGORITHMS.md §4.2). */
export interface NdsOptions {
  /** Depth choices per stage. */
  depths?: number[];
  /** Width choices per stage. */
  widths?: number[];
  /** ResNeXt-A only: bottleneck multipliers (w_b = round(w * bot_mul)). */
  botMuls?: number[];
  /** ResNeXt-A only: group counts of the 3x3 conv. */
  numGroups?: number[];
  /** Stem width; default 16. */
  stemWidth?: number;
  /** Number of stages (strides 1, 2, 2, ...); default 3. */
  numStages?: number;
  inputSize?: number;
  inChannels?: number;
  numClasses?: number;
  seed?: number;
  /** Engine-level variable-name prefix; default '<name>-<seed>'. */
  scope?: string;
}

/** Resolved NDS configuration. */
export interface NdsResolved {
  kind: NdsKind;
  depths: number[];
  widths: number[];
  botMuls: number[];
  numGroups: number[];
  stemWidth: number;
  numStages: number;
  inputSize: number;
  inChannels: number;
  numClasses: number;
}

/** One decoded architecture: per-stage values. */
export interface NdsArch {
  depths: number[];
  widths: number[];
  botMuls: number[];
  numGroups: number[];
}

const DEFAULTS = {
  resnet: { depths: [1, 2, 3, 4, 6, 8, 12, 16, 24], widths: [16, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256], botMuls: [1], numGroups: [1] },
  resnexta: { depths: [1, 2, 4, 8, 16], widths: [16, 32, 64, 128, 256], botMuls: [0.25, 0.5, 1], numGroups: [1, 2, 4] },
} as const;

function positiveList(path: string, v: number[], integer: boolean): number[] {
  if (v.length === 0 || v.some((x) => !(x > 0) || (integer && !Number.isInteger(x)))) {
    throw new ConfigError(path, `must be a non-empty list of positive ${integer ? 'integers' : 'numbers'}, got ${JSON.stringify(v)}`);
  }
  return [...v];
}

/** Resolves options with the space's defaults. Throws ConfigError (path = option) for bad lists. */
export function resolveNdsOptions(kind: NdsKind, o: NdsOptions): NdsResolved {
  const d = DEFAULTS[kind];
  if (kind === 'resnet' && (o.botMuls !== undefined || o.numGroups !== undefined)) {
    throw new ConfigError('/botMuls', 'the NDS ResNet space has no bottleneck or group choices; use nds-resnexta');
  }
  const r: NdsResolved = {
    kind,
    depths: positiveList('/depths', o.depths ?? [...d.depths], true),
    widths: positiveList('/widths', o.widths ?? [...d.widths], true),
    botMuls: positiveList('/botMuls', o.botMuls ?? [...d.botMuls], false),
    numGroups: positiveList('/numGroups', o.numGroups ?? [...d.numGroups], true),
    stemWidth: o.stemWidth ?? 16,
    numStages: o.numStages ?? 3,
    inputSize: o.inputSize ?? 32,
    inChannels: o.inChannels ?? 3,
    numClasses: o.numClasses ?? 10,
  };
  for (const w of r.widths) {
    for (const b of r.botMuls) {
      const wb = Math.round(w * b);
      if (wb < 1) throw new ConfigError('/botMuls', `width ${w} x bot_mul ${b} rounds to 0 channels`);
      for (const g of r.numGroups) {
        if (wb % g !== 0) throw new ConfigError('/numGroups', `${g} groups do not divide the bottleneck width ${wb} (= round(${w} x ${b})); choose other groups or widths`);
      }
    }
  }
  return r;
}

/** Decision lists in genotype order: depths, widths (+ bot_muls, num_groups for ResNeXt-A). */
function decisions(r: NdsResolved): Array<[string, number[]]> {
  const lists: Array<[string, number[]]> = [
    ['depths', r.depths],
    ['widths', r.widths],
  ];
  if (r.kind === 'resnexta') lists.push(['bot_muls', r.botMuls], ['num_groups', r.numGroups]);
  return lists;
}

/** The NNI search space: `choice` keys `depths.0..`, `widths.0..` (+ `bot_muls.*`, `num_groups.*`). Pure. */
export function ndsSearchSpace(r: NdsResolved): SearchSpace {
  const space: SearchSpace = {};
  for (const [name, values] of decisions(r)) {
    for (let s = 0; s < r.numStages; s++) space[`${name}.${s}`] = { _type: 'choice', _value: [...values] };
  }
  return space;
}

/** Decodes canonical indices (search-space order) into per-stage values. Assumes they are in range. */
export function decodeNdsArch(r: NdsResolved, idx: readonly number[]): NdsArch {
  const S = r.numStages;
  const pick = (list: number[], block: number): number[] => Array.from({ length: S }, (_, s) => list[idx[block * S + s] as number] as number);
  return {
    depths: pick(r.depths, 0),
    widths: pick(r.widths, 1),
    botMuls: r.kind === 'resnexta' ? pick(r.botMuls, 2) : Array(S).fill(1),
    numGroups: r.kind === 'resnexta' ? pick(r.numGroups, 3) : Array(S).fill(1),
  };
}

/**
 * Reads an aw_nas genotype string (`OrderedDict([('depths.0', 1), ...])`, the Python repr) as
 * data into `{key: value}`. Throws ConfigError when no `('key', number)` pair is found.
 */
export function parseNdsGenotype(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /\(\s*'([A-Za-z_]+\.\d+)'\s*,\s*(-?[0-9]*\.?[0-9]+(?:e-?\d+)?)\s*\)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[m[1] as string] = Number(m[2]);
  if (Object.keys(out).length === 0) {
    throw new ConfigError('', `cannot read an NDS genotype from '${s.slice(0, 60)}'; expected OrderedDict([('depths.0', 1), ...])`);
  }
  return out;
}
