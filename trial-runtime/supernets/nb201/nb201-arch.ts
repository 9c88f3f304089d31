import { ConfigError } from '../../../daemon/errors';

/** NB201 operations in index order (aw_nas matrix value = index). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** The 6 edges as [to, from], in arch-string order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export const NB201_EDGES: ReadonlyArray<readonly [number, number]> = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

/** Search-space key of an edge: `edge_<to>_<from>`. */
export function edgeKey(to: number, from: number): string {
  return `edge_${to}_${from}`;
}

/**
 * Parses `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` into 6 op indices in edge order. Pure. Throws
 * ConfigError naming the node and the bad token (unknown op, wrong source index, wrong count).
 */
export function parseNb201ArchString(s: string): number[] {
  const nodes = s.trim().split('+');
  if (nodes.length !== 3) throw new ConfigError('', `NB201 arch string needs 3 nodes separated by '+', got ${nodes.length}: '${s}'`);
  const out: number[] = [];
  nodes.forEach((node, n) => {
    const to = n + 1;
    const inner = node.trim();
    if (!inner.startsWith('|') || !inner.endsWith('|')) throw new ConfigError(`/${edgeKey(to, 0)}`, `node ${to} must look like '|op~0|...|', got '${node}'`);
    const tokens = inner.slice(1, -1).split('|');
    if (tokens.length !== to) throw new ConfigError(`/${edgeKey(to, 0)}`, `node ${to} needs ${to} inputs, got ${tokens.length} in '${node}'`);
    tokens.forEach((tok, from) => {
      const [op, src] = tok.split('~');
      const key = `/${edgeKey(to, from)}`;
      if (src !== String(from)) throw new ConfigError(key, `input ${from} of node ${to} must be written 'op~${from}', got '${tok}'`);
      const idx = NB201_OPS.indexOf(op as Nb201Op);
      if (idx < 0) throw new ConfigError(key, `unknown op '${op}' (allowed: ${NB201_OPS.join(', ')})`);
      out.push(idx);
    });
  });
  return out;
}

/** Formats 6 op indices (edge order) as the NB201 arch string. Assumes valid indices. */
export function formatNb201ArchString(ops: readonly number[]): string {
  let i = 0;
  const nodes: string[] = [];
  for (let to = 1; to <= 3; to++) {
    const parts: string[] = [];
    for (let from = 0; from < to; from++) parts.push(`${NB201_OPS[ops[i++] as number]}~${from}`);
    nodes.push(`|${parts.join('|')}|`);
  }
  return nodes.join('+');
}

/**
 * Which edges a cell computes: an edge i->j is live when its op is not `none`, node i is
 * reachable from the input and node j reaches the output through non-`none` edges (aw_nas computes
 * only these). `connected` is false when no path joins input and output: the cell then outputs
 * zeros. Pure.
 */
export function liveEdges(ops: readonly number[]): { live: boolean[]; connected: boolean } {
  const reach = [true, false, false, false];
  NB201_EDGES.forEach(([to, from], e) => {
    if (ops[e] !== 0 && reach[from]) reach[to] = true;
  });
  const reachesOut = [false, false, false, true];
  for (let e = NB201_EDGES.length - 1; e >= 0; e--) {
    const [to, from] = NB201_EDGES[e] as readonly [number, number];
    if (ops[e] !== 0 && reachesOut[to]) reachesOut[from] = true;
  }
  const live = NB201_EDGES.map(([to, from], e) => ops[e] !== 0 && (reach[from] as boolean) && (reachesOut[to] as boolean));
  return { live, connected: reach[3] as boolean };
}
