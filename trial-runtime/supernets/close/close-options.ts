import { ConfigError } from '../../../daemon/errors';

/** Sizes of the GATE network (ALGORITHMS.md §3.2): GATES flow embedder + per-position MLP. */
export interface GateSizes {
  /** Op embedding width (NB201: 48). */
  opDim: number;
  /** Node embedding width (NB201: 48). */
  nodeDim: number;
  /** Hidden projection of the node embeddings (NB201: 96). */
  hiddenDim: number;
  /** Output widths of the flow GCN layers (NB201: five layers of 128). */
  gcnDims: number[];
  /** Hidden widths of the per-position MLP (NB201: [200, 200, 200]). */
  mlpDims: number[];
  /** Dropout after each hidden MLP layer in training (0.1). */
  dropout: number;
}

/** The released NB201 CLOSE gate (`NasBench201FlowArchEmbedder` + node-level MLP). */
export const NB201_GATE_SIZES: Readonly<GateSizes> = { opDim: 48, nodeDim: 48, hiddenDim: 96, gcnDims: [128, 128, 128, 128, 128], mlpDims: [200, 200, 200], dropout: 0.1 };

/** The released NB301 CLOSE gate (`GCNFlowArchEmbedder`: 32/32/32, GCN [64]x4). */
export const DARTS_GATE_SIZES: Readonly<GateSizes> = { opDim: 32, nodeDim: 32, hiddenDim: 32, gcnDims: [64, 64, 64, 64], mlpDims: [200, 200, 200], dropout: 0.1 };

/** How NDS position groups are split when a level is added (§3.6). */
export type SplitRule = 'pre' | 'max';

/**
 * Supernet options shared by the CLOSE spaces (`nb201-close`, `darts-close`, `nds-*-close`), on
 * top of the plain space's own options. JSON-serializable (recorded in checkpoints).
 */
export interface CloseOptions {
  /** Number of GLOW blocks per cell / stage (NB201, DARTS: 5; NDS ResNet 17, ResNeXt-A 13). */
  numCurriculums?: number;
  /** Gate sizes (NB201 / DARTS); missing fields take the released defaults. */
  gate?: Partial<GateSizes>;
  /** NDS position-group split rule (default 'pre', the released configs). */
  splitRule?: SplitRule;
}

/** Validates `numCurriculums` (default `dflt`); throws ConfigError('/numCurriculums'). */
export function resolveNumCurriculums(value: number | undefined, dflt: number, max = Infinity): number {
  const n = value ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('/numCurriculums', `must be a positive integer, got ${String(n)}`);
  if (n > max) throw new ConfigError('/numCurriculums', `is ${n} but this space has only ${max} shareable positions per stage; use at most ${max}`);
  return n;
}

/** Gate sizes = defaults overridden by `o`; throws ConfigError('/gate/...') for bad sizes. */
export function resolveGateSizes(o: Partial<GateSizes> | undefined, dflt: Readonly<GateSizes>): GateSizes {
  const g: GateSizes = { ...dflt, gcnDims: [...dflt.gcnDims], mlpDims: [...dflt.mlpDims], ...(o ?? {}) };
  const pos = (k: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new ConfigError(`/gate/${k}`, `must be a positive integer, got ${JSON.stringify(v)}`);
  };
  pos('opDim', g.opDim);
  pos('nodeDim', g.nodeDim);
  pos('hiddenDim', g.hiddenDim);
  if (!Array.isArray(g.gcnDims) || g.gcnDims.length === 0) throw new ConfigError('/gate/gcnDims', 'must be a non-empty list of layer widths');
  if (!Array.isArray(g.mlpDims)) throw new ConfigError('/gate/mlpDims', 'must be a list of layer widths');
  g.gcnDims.forEach((d, i) => pos(`gcnDims/${i}`, d));
  g.mlpDims.forEach((d, i) => pos(`mlpDims/${i}`, d));
  if (!(typeof g.dropout === 'number' && g.dropout >= 0 && g.dropout < 1)) throw new ConfigError('/gate/dropout', `must be in [0, 1), got ${JSON.stringify(g.dropout)}`);
  return g;
}
