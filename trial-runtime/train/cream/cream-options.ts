import { ConfigError } from '../../../daemon/errors';

/** How a step's path is drawn (Cream's SUPERNET.HOW_TO_PROB). */
export type HowToProb = 'even' | 'pre_prob' | 'teacher';
/** How the teacher is chosen from the board (Cream's SUPERNET.PICK_METHOD). */
export type PickMethod = 'meta' | 'top1';

/** Cream's PRE_PROB over the op indices k3e4, k3e6, k5e4, k5e6, k7e4, k7e6. */
export const CREAM_PRE_PROB: readonly number[] = [0.05, 0.2, 0.05, 0.5, 0.05, 0.15];

/** Cream's META_STA_EPOCH 20 of 120 epochs, i.e. 21 warm-up epochs (0-based `epoch > 20`). */
export const CREAM_WARMUP_FRACTION = 21 / 120;

/** Resolved options of the Cream training strategy (`--strategy-options` JSON, camelCase keys). */
export interface CreamStrategyOptions {
  /** POOL_SIZE, the board's capacity K (10). */
  poolSize: number;
  /** SLICE, images kept per board entry (4). */
  slice: number;
  /**
   * Warm-up epochs: 0-based epoch e distils and inserts into the board only when e ≥ metaStaEpoch.
   * Cream's META_STA_EPOCH 20 (0-based `epoch > 20`) is 21 here. Default: round(21/120 · epochs).
   */
  metaStaEpoch: number;
  pickMethod: PickMethod;
  howToProb: HowToProb;
  /** PRE_PROB, one probability per op (default {@link CREAM_PRE_PROB}). */
  preProb: number[];
  /** acc_gap in accuracy points (5). */
  accGap: number;
  /** UPDATE_ITER: meta-network update every this many steps of an epoch (200, train.yaml). */
  updateIter: number;
  /** META_LR (1e-4): also the look-ahead step size (the quirk of §2.6 step 3). */
  metaLr: number;
  /** Label smoothing of the meta update's validation loss (0.1). */
  labelSmoothing: number;
  /** board.json is rewritten after a board change at most every this many steps (10); always at epoch end. */
  boardWriteEvery: number;
}

const KEYS = ['poolSize', 'slice', 'metaStaEpoch', 'pickMethod', 'howToProb', 'preProb', 'accGap', 'updateIter', 'metaLr', 'labelSmoothing', 'boardWriteEvery'];

function num(raw: Record<string, unknown>, key: string, dflt: number, ok: (v: number) => boolean, what: string): number {
  const v = raw[key] ?? dflt;
  if (typeof v !== 'number' || !ok(v)) throw new ConfigError('--strategy-options', `cream option '${key}' must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Validates `--strategy-options` for Cream and fills the defaults; `epochs` sizes the default
 * warm-up. Throws ConfigError('--strategy-options') naming the bad key and what it must be.
 */
export function resolveCreamStrategyOptions(raw: Record<string, unknown>, epochs: number, numOps: number): CreamStrategyOptions {
  for (const k of Object.keys(raw)) if (!KEYS.includes(k)) throw new ConfigError('--strategy-options', `unknown cream option '${k}'; known: ${KEYS.join(', ')}`);
  const int = (v: number): boolean => Number.isInteger(v) && v >= 0;
  const pos = (v: number): boolean => Number.isInteger(v) && v > 0;
  const pick = raw['pickMethod'] ?? 'meta';
  if (pick !== 'meta' && pick !== 'top1') throw new ConfigError('--strategy-options', `cream option 'pickMethod' must be 'meta' or 'top1', got ${JSON.stringify(pick)}`);
  const how = raw['howToProb'] ?? 'pre_prob';
  if (how !== 'even' && how !== 'pre_prob' && how !== 'teacher') throw new ConfigError('--strategy-options', `cream option 'howToProb' must be 'even', 'pre_prob' or 'teacher', got ${JSON.stringify(how)}`);
  const preProb = raw['preProb'] ?? [...CREAM_PRE_PROB];
  if (!Array.isArray(preProb) || !preProb.every((p) => typeof p === 'number' && p >= 0) || Math.abs(preProb.reduce((a: number, p: number) => a + p, 0) - 1) > 1e-6) {
    throw new ConfigError('--strategy-options', `cream option 'preProb' must be non-negative numbers summing to 1, got ${JSON.stringify(preProb)}`);
  }
  if (how === 'pre_prob' && preProb.length !== numOps) {
    throw new ConfigError('--strategy-options', `cream option 'preProb' has ${preProb.length} entries but the supernet's layers have ${numOps} ops; give one per op or use howToProb 'even'`);
  }
  return {
    poolSize: num(raw, 'poolSize', 10, pos, 'a positive integer'),
    slice: num(raw, 'slice', 4, pos, 'a positive integer'),
    metaStaEpoch: num(raw, 'metaStaEpoch', Math.round(CREAM_WARMUP_FRACTION * epochs), int, 'an integer >= 0 (warm-up epochs)'),
    pickMethod: pick,
    howToProb: how,
    preProb: preProb as number[],
    accGap: num(raw, 'accGap', 5, (v) => v >= 0, 'a number >= 0 (accuracy points)'),
    updateIter: num(raw, 'updateIter', 200, pos, 'a positive integer'),
    metaLr: num(raw, 'metaLr', 1e-4, (v) => v >= 0, 'a number >= 0'),
    labelSmoothing: num(raw, 'labelSmoothing', 0.1, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    boardWriteEvery: num(raw, 'boardWriteEvery', 10, pos, 'a positive integer'),
  };
}
