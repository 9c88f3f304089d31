import { ConfigError } from '../../../daemon/errors';
import type { SearchSpace } from '../../../tuners/search-space';

/** DARTS / NAS-Bench-301 candidate operations, in index order. */
export const DARTS_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'] as const;
export type DartsOp = (typeof DARTS_OPS)[number];

/** Intermediate nodes per cell (their states are 2..5; 0 and 1 are the two cell inputs). */
export const DARTS_NODES = 4;
export const DARTS_CELL_TYPES = ['normal', 'reduce'] as const;
export type DartsCellType = (typeof DARTS_CELL_TYPES)[number];

/** One input of a node: an op applied to state `input` (0..node+1). */
export interface DartsEdge {
  op: number;
  input: number;
}

/** A decoded genotype: per cell type, 2 edges per node in node order (8 edges). */
export interface DartsGenotype {
  normal: DartsEdge[];
  reduce: DartsEdge[];
}

/** Search-space key of one op / input choice, e.g. `normal_n2_op0`, `reduce_n5_input1` (n = state index). */
export function dartsKey(cell: DartsCellType, node: number, slot: number, what: 'op' | 'input'): string {
  return `${cell}_n${node + 2}_${what}${slot}`;
}

/**
 * The space in NNI's format: for each cell type and node, two `layer_choice` op keys (8 ops) and
 * two `choice` input keys (states 0..node+1), in genotype order: op0, input0, op1, input1. Pure.
 */
export function dartsSearchSpace(): SearchSpace {
  const space: SearchSpace = {};
  for (const cell of DARTS_CELL_TYPES) {
    for (let node = 0; node < DARTS_NODES; node++) {
      for (let slot = 0; slot < 2; slot++) {
        space[dartsKey(cell, node, slot, 'op')] = { _type: 'layer_choice', _value: [...DARTS_OPS] };
        space[dartsKey(cell, node, slot, 'input')] = { _type: 'choice', _value: Array.from({ length: node + 2 }, (_, i) => i) };
      }
    }
  }
  return space;
}

/** Canonical indices (search-space order) -> genotype. Assumes indices from parseIndexArch. */
export function decodeDarts(indices: readonly number[]): DartsGenotype {
  const cells = DARTS_CELL_TYPES.map((_cell, c) => Array.from({ length: 2 * DARTS_NODES }, (_, e) => ({ op: indices[c * 16 + 2 * e] as number, input: indices[c * 16 + 2 * e + 1] as number })));
  return { normal: cells[0] as DartsEdge[], reduce: cells[1] as DartsEdge[] };
}

/** Genotype -> canonical indices (inverse of {@link decodeDarts}). Pure. */
export function encodeDarts(g: DartsGenotype): number[] {
  return [...g.normal, ...g.reduce].flatMap((e) => [e.op, e.input]);
}

/** DARTS's `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))`. Pure. */
export function formatDartsGenotype(g: DartsGenotype): string {
  const list = (edges: DartsEdge[]): string => `[${edges.map((e) => `('${DARTS_OPS[e.op]}', ${e.input})`).join(', ')}]`;
  return `Genotype(normal=${list(g.normal)}, normal_concat=range(2, 6), reduce=${list(g.reduce)}, reduce_concat=range(2, 6))`;
}

function parseCell(s: string, cell: DartsCellType): DartsEdge[] {
  const m = new RegExp(`${cell}\\s*=\\s*\\[([^\\]]*)\\]`).exec(s);
  if (!m) throw new ConfigError(`/${cell}`, `DARTS genotype lacks '${cell}=[...]': '${s.slice(0, 80)}'`);
  const pairs = [...(m[1] as string).matchAll(/\(\s*['"]([a-z_0-9]+)['"]\s*,\s*(\d+)\s*\)/g)];
  if (pairs.length !== 2 * DARTS_NODES) throw new ConfigError(`/${cell}`, `'${cell}' needs ${2 * DARTS_NODES} (op, input) pairs (2 per node), got ${pairs.length}`);
  return pairs.map((p, e) => {
    const node = Math.floor(e / 2);
    const op = DARTS_OPS.indexOf(p[1] as DartsOp);
    const input = Number(p[2]);
    if (op < 0) throw new ConfigError(`/${dartsKey(cell, node, e % 2, 'op')}`, `unknown op '${p[1]}' (allowed: ${DARTS_OPS.join(', ')})`);
    if (input > node + 1) throw new ConfigError(`/${dartsKey(cell, node, e % 2, 'input')}`, `node ${node + 2} can only read states 0..${node + 1}, got ${input}`);
    return { op, input };
  });
}

/**
 * Parses a genotype string in DARTS's format (also accepts NB301's `Genotype(...)` dumps with
 * double quotes). The concats must be `range(2, 6)` or `[2, 3, 4, 5]` when present. Pure; throws
 * ConfigError naming the key of the first bad op or input.
 */
export function parseDartsGenotype(s: string): DartsGenotype {
  for (const cell of DARTS_CELL_TYPES) {
    const concat = new RegExp(`${cell}_concat\\s*=\\s*(range\\([^)]*\\)|\\[[^\\]]*\\])`).exec(s);
    const value = concat ? (concat[1] as string).replace(/\s+/g, '') : undefined;
    if (value !== undefined && value !== 'range(2,6)' && value !== '[2,3,4,5]') {
      throw new ConfigError(`/${cell}_concat`, `only ${cell}_concat=range(2, 6) (all 4 nodes) is supported, got '${concat?.[1]}'`);
    }
  }
  return { normal: parseCell(s, 'normal'), reduce: parseCell(s, 'reduce') };
}
