import { ConfigError } from '../../../daemon/errors';
import { convOutputSize } from '../../nn/conv-cost';
import { InvertedResidual } from './cream-blocks';

/**
 * Cream's searchable op per layer, in Cream's index order (ALGORITHMS.md §2.1):
 * `0=[3,4], 1=[3,6], 2=[5,4], 3=[5,6], 4=[7,4], 5=[7,6]` ([kernel, expansion]).
 */
export const CREAM_OPS: ReadonlyArray<{ kernel: number; expansion: number; name: string }> = [
  [3, 4], [3, 6], [5, 4], [5, 6], [7, 4], [7, 6],
].map(([kernel, expansion]) => ({ kernel: kernel as number, expansion: expansion as number, name: `k${kernel}_e${expansion}` }));

/** Strides of the five searchable stages' first layers (stage 4 keeps stride 1). */
export const CREAM_STAGE_STRIDES: readonly number[] = [2, 2, 2, 1, 2];

/** Options of the Cream supernet. Defaults = the paper's full size (ImageNet, 224 px, window [0, 600]). */
export interface CreamOptions {
  /** Square input size; default: from the FLOPs window (224 for [0, 600]). */
  inputSize?: number;
  inChannels?: number;
  numClasses?: number;
  /** Stem conv output channels (16) and stride (2). */
  stemChannels?: number;
  stemStride?: number;
  /** Fixed stage 0 (depthwise-separable) width; default 16. */
  stage0Channels?: number;
  /** Widths of the five searchable stages; default [24, 40, 80, 96, 192]. */
  stageChannels?: number[];
  /** Fixed stage 6 (1×1 ConvBnAct) width; default 320. */
  lastChannels?: number;
  /** Head conv width (after the global pool); default 1280. */
  numFeatures?: number;
  /** Layers per searchable stage (1..4 each); default: from the FLOPs window. */
  staNum?: number[];
  /** Cream's FLOPS_MINIMUM / FLOPS_MAXIMUM in MFLOPs (FlopsEst convention); default 0 / 600. */
  flopsMinimum?: number;
  flopsMaximum?: number;
  /** Side of the square input FLOPs/params are counted at; default 224 (Cream's FlopsEst), the CPU preset 28. */
  flopsInputSize?: number;
  /** Seed of the weight init. Default 0. */
  seed?: number;
  /** Engine-level variable-name prefix, unique per live supernet; default '<name>-<seed>'. */
  scope?: string;
}

/** A fully resolved Cream configuration. */
export interface CreamResolved {
  inputSize: number;
  inChannels: number;
  numClasses: number;
  stemChannels: number;
  stemStride: number;
  stage0Channels: number;
  stageChannels: number[];
  lastChannels: number;
  numFeatures: number;
  staNum: number[];
  flopsInputSize: number;
}

/**
 * FLOPs (MFLOPs, FlopsEst convention) of each searchable stage's layers, as Cream's
 * `op_by_layer_dict.py`: `table[stage][op] = [first layer, any later layer]` at `inputSize`.
 */
export type CreamLayerTable = number[][][];

/**
 * Computes {@link CreamLayerTable} for the given widths (builds no weights). At 224 px with the
 * default widths it reproduces Cream's `flops_op_dict`. Pure.
 */
export function creamLayerTable(r: Pick<CreamResolved, 'stemChannels' | 'stemStride' | 'stage0Channels' | 'stageChannels'>, inputSize: number): CreamLayerTable {
  let size = convOutputSize(inputSize, 3, r.stemStride, 1);
  let prev = r.stage0Channels;
  const seeds = (): number => 0;
  return r.stageChannels.map((out, s) => {
    const stride = CREAM_STAGE_STRIDES[s] as number;
    const row = CREAM_OPS.map((op) => {
      const first = new InvertedResidual('t', { inChannels: prev, outChannels: out, kernelSize: op.kernel, expansion: op.expansion, stride }, seeds).cost(size, size);
      const later = new InvertedResidual('t', { inChannels: out, outChannels: out, kernelSize: op.kernel, expansion: op.expansion, stride: 1 }, seeds).cost(first.h, first.w);
      return [first.flops / 1e6, later.flops / 1e6];
    });
    size = convOutputSize(size, 3, stride, 1);
    prev = out;
    return row;
  });
}

/** Result of {@link searchForLayers}. */
export interface LayerSearchResult {
  staNum: number[];
  /** Input resolution = 32 · size factor. */
  inputSize: number;
}

/**
 * Cream's `search_for_layer` (§2.1): start with one layer per stage; base min/max = the sum of
 * each stage's first layer with op 0 / op 5; if the min exceeds `maximum`, shrink the size factor
 * 7→6→… rescaling the window by 7/factor each time (compounding, as Cream does); if the max is
 * below `minimum`, add layers until it is not; then add layers in stage order
 * `[2,3,4,1,0,2,3,4,1,0]` with caps `[3,3,3,2,2,4,4,4,4,4]` while the running max (op 5, later
 * layer) stays ≤ the maximum. Throws ConfigError ('/flopsMaximum') when no layout fits. Pure.
 */
export function searchForLayers(table: CreamLayerTable, minimum: number, maximum: number): LayerSearchResult {
  const order = [2, 3, 4, 1, 0, 2, 3, 4, 1, 0];
  const limits = [3, 3, 3, 2, 2, 4, 4, 4, 4, 4];
  const sta = [1, 1, 1, 1, 1];
  const at = (s: number, op: number, later: number): number => (table[s]?.[op]?.[later] as number);
  let factor = 7;
  const baseMin = [0, 1, 2, 3, 4].reduce((a, s) => a + at(s, 0, 0), 0);
  let baseMax = [0, 1, 2, 3, 4].reduce((a, s) => a + at(s, 5, 0), 0);
  let lo = minimum;
  let hi = maximum;
  const fail = (): never => {
    throw new ConfigError('/flopsMaximum', `no Cream layout fits the FLOPs window [${minimum}, ${maximum}] MFLOPs (one layer per stage already needs ${baseMin.toFixed(2)}); widen the window or give staNum`);
  };
  if (baseMin > hi) {
    while (baseMin > hi && factor >= 2) {
      factor -= 1;
      lo *= 7 / factor;
      hi *= 7 / factor;
    }
    if (factor < 2) fail();
  } else if (baseMax < lo) {
    let ptr = 0;
    while (baseMax < lo && ptr <= 9) {
      const s = order[ptr] as number;
      if ((sta[s] as number) >= (limits[ptr] as number)) {
        ptr++;
        continue;
      }
      baseMax += at(s, 5, 1);
      sta[s] = (sta[s] as number) + 1;
    }
    if (ptr > 7 && baseMax < lo) fail();
  }
  let ptr = 0;
  while (ptr <= 9) {
    const s = order[ptr] as number;
    if ((sta[s] as number) >= (limits[ptr] as number)) {
      ptr++;
      continue;
    }
    baseMax += at(s, 5, 1);
    if (baseMax <= hi) sta[s] = (sta[s] as number) + 1;
    else break;
  }
  return { staNum: sta, inputSize: 32 * factor };
}

/**
 * The CPU-sized preset `cream-cpu`: 28×28×1 (Fashion-MNIST), 10 classes, Cream's skeleton with
 * stem 8 (stride 2, 28→14), stage 0 width 8, searchable widths [16, 24, 32, 48, 64] with 2 layers
 * each (10 choice layers, 6^10 paths; 14→7→4→2→2→1), stage 6 width 96, head 256; FLOPs counted at
 * 28 px. A batch-64 training step of a k5e6 path costs about 0.37 s of CPU on wasm (stem stride 1
 * would be 1.06 s). Caller options override these.
 */
export const CREAM_CPU_PRESET: Readonly<CreamOptions> = {
  inputSize: 28, inChannels: 1, numClasses: 10, stemChannels: 8, stemStride: 2, stage0Channels: 8,
  stageChannels: [16, 24, 32, 48, 64], lastChannels: 96, numFeatures: 256, staNum: [2, 2, 2, 2, 2], flopsInputSize: 28,
};

function positiveInt(path: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new ConfigError(path, `must be a positive integer, got ${v}`);
  return v;
}

/**
 * Resolves options: explicit `staNum`/`inputSize` win, otherwise both come from the FLOPs window
 * (Cream's rule). Throws ConfigError (path = option name) for values that cannot build a network.
 */
export function resolveCreamOptions(o: CreamOptions): CreamResolved {
  const base = {
    stemChannels: positiveInt('/stemChannels', o.stemChannels ?? 16),
    stemStride: o.stemStride ?? 2,
    stage0Channels: positiveInt('/stage0Channels', o.stage0Channels ?? 16),
    stageChannels: o.stageChannels ?? [24, 40, 80, 96, 192],
  };
  if (base.stemStride !== 1 && base.stemStride !== 2) throw new ConfigError('/stemStride', `must be 1 or 2, got ${base.stemStride}`);
  if (base.stageChannels.length !== 5) throw new ConfigError('/stageChannels', `needs 5 widths (one per searchable stage), got ${base.stageChannels.length}`);
  base.stageChannels.forEach((c, i) => positiveInt(`/stageChannels/${i}`, c));
  const flopsInputSize = positiveInt('/flopsInputSize', o.flopsInputSize ?? 224);
  let staNum = o.staNum;
  let inputSize = o.inputSize;
  if (staNum === undefined || inputSize === undefined) {
    const found = searchForLayers(creamLayerTable(base, 224), o.flopsMinimum ?? 0, o.flopsMaximum ?? 600);
    staNum ??= found.staNum;
    inputSize ??= found.inputSize;
  }
  if (staNum.length !== 5) throw new ConfigError('/staNum', `needs 5 layer counts (one per searchable stage), got ${staNum.length}`);
  staNum.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1 || n > 4) throw new ConfigError(`/staNum/${i}`, `layers per stage must be 1..4 (Cream's supernet), got ${n}`);
  });
  if (!Number.isInteger(inputSize) || inputSize < 8) throw new ConfigError('/inputSize', `must be an integer >= 8, got ${inputSize}`);
  return {
    ...base, staNum: [...staNum], inputSize, flopsInputSize,
    inChannels: positiveInt('/inChannels', o.inChannels ?? 3),
    numClasses: positiveInt('/numClasses', o.numClasses ?? 1000),
    lastChannels: positiveInt('/lastChannels', o.lastChannels ?? 320),
    numFeatures: positiveInt('/numFeatures', o.numFeatures ?? 1280),
  };
}
