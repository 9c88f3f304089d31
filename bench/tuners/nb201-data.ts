/**
 * NAS-Bench-201 tables for the tuner benchmark: the 12-epoch search signal and the 200-epoch
 * figures of every one of the 15,625 cells, joined by ops_code, plus the cell as a search space
 * and an additive FLOPs/params cost model fitted (exactly, or the load fails) to the table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CostModel, SearchSpace } from '../../tuners/search-space';
import type { Candidate } from '../../tuners/tuner';

/** NB201 op names in ops_code digit order (none=0 skip=1 conv1x1=2 conv3x3=3 avgpool=4). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
/** The 6 cell edges in ops_code order. */
export const NB201_EDGES = ['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2'] as const;

/** One architecture's figures (accuracies in %, time in s, FLOPs in MACs, params in parameters). */
export interface Nb201Row {
  index: number;
  arch: string;
  /** Search signal: cifar10-valid x-valid accuracy after the 12-epoch schedule (seed mean). */
  signal12: number;
  /** Simulated cost of one query: 12/200 of the 200-epoch train time (see README §4.2). */
  querySeconds: number;
  c10ValidV10: number;
  c10TestV10: number;
  c100Test: number;
  in16Test: number;
  flops: number;
  params: number;
}

/** The joined table, keyed by ops_code. */
export interface Nb201Table {
  rows: Map<string, Nb201Row>;
  dataDir: string;
}

/** Where the shared data lives: --data, $NASCTL_SHARED_DATA, or ../shared/data beside the repo. */
export function defaultDataDir(): string {
  return process.env.NASCTL_SHARED_DATA ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
}

function readCsv(file: string, columns: readonly string[]): Map<string, number[]> & { arch: Map<string, string> } {
  if (!existsSync(file)) throw new Error(`${file} not found: pass --data DIR (the folder holding nasbench201/) or set NASCTL_SHARED_DATA`);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const at = columns.map((c) => header.indexOf(c));
  const codeAt = header.indexOf('ops_code');
  const archAt = header.indexOf('arch_str');
  const missing = columns.filter((_, i) => (at[i] as number) < 0);
  if (codeAt < 0 || missing.length > 0) throw new Error(`${file} lacks the column(s) ${['ops_code', ...missing].join(', ')}`);
  const out = new Map<string, number[]>() as Map<string, number[]> & { arch: Map<string, string> };
  out.arch = new Map();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const code = f[codeAt] as string;
    out.set(code, at.map((i) => Number(f[i])));
    out.arch.set(code, f[archAt] as string);
  }
  return out;
}

/** Loads and joins nb201_12ep.csv and nb201_200ep.csv. Throws when a file, column or row is missing. */
export function loadNb201Table(dataDir: string = defaultDataDir()): Nb201Table {
  const dir = join(dataDir, 'nasbench201');
  const t12 = readCsv(join(dir, 'nb201_12ep.csv'), ['index', 'c10_valid_12ep']);
  const cols = ['index', 'c10_valid_v10', 'c10_test_v10', 'c100_test', 'in16_test', 'train_time_s_c10', 'flops_m_analytic_c10', 'params_mb_analytic_c10'];
  const t200 = readCsv(join(dir, 'nb201_200ep.csv'), cols);
  const rows = new Map<string, Nb201Row>();
  for (const [code, v] of t200) {
    const s = t12.get(code);
    if (!s) throw new Error(`nb201_12ep.csv has no row for ops_code ${code}`);
    const [index, c10ValidV10, c10TestV10, c100Test, in16Test, time200, mflops, mparams] = v as [number, number, number, number, number, number, number, number];
    if (s[0] !== index) throw new Error(`ops_code ${code}: index ${s[0]} in nb201_12ep.csv but ${index} in nb201_200ep.csv`);
    rows.set(code, {
      index,
      arch: t200.arch.get(code) as string,
      signal12: s[1] as number,
      querySeconds: (time200 * 12) / 200,
      c10ValidV10,
      c10TestV10,
      c100Test,
      in16Test,
      flops: mflops * 1e6,
      params: mparams * 1e6,
    });
  }
  if (rows.size !== 15625) throw new Error(`expected 15,625 NB201 architectures, read ${rows.size}`);
  return { rows, dataDir };
}

/** The NB201 cell as a search space: one `choice` of op names per edge (key "edge 1<-0", ...). */
export function nb201Space(): SearchSpace {
  const space: SearchSpace = {};
  for (const e of NB201_EDGES) space[`edge ${e}`] = { _type: 'choice', _value: [...NB201_OPS] };
  return space;
}

/** ops_code of a candidate of {@link nb201Space}. */
export function nb201Code(c: Candidate): string {
  return NB201_EDGES.map((e) => NB201_OPS.indexOf(c[`edge ${e}`] as (typeof NB201_OPS)[number])).join('');
}

/**
 * The additive cost model of the cell (base = the all-`none` cell; each edge's op adds the
 * difference it makes alone), checked against every row of the table to 1e-6 relative: the
 * analytic FLOPs and params of NB201 are sums over edges. Throws when the table is not additive.
 */
export function nb201CostModel(table: Nb201Table): CostModel {
  const row = (code: string): Nb201Row => table.rows.get(code) as Nb201Row;
  const base = row('000000');
  const perChoice: CostModel['perChoice'] = {};
  NB201_EDGES.forEach((e, i) => {
    const t: Record<string, { flops: number; params: number }> = {};
    NB201_OPS.forEach((op, o) => {
      const single = row('000000'.slice(0, i) + String(o) + '000000'.slice(i + 1));
      t[op] = { flops: single.flops - base.flops, params: single.params - base.params };
    });
    perChoice[`edge ${e}`] = t;
  });
  const model: CostModel = { base: { flops: base.flops, params: base.params }, perChoice };
  for (const [code, r] of table.rows) {
    let flops = model.base.flops;
    let params = model.base.params;
    NB201_EDGES.forEach((e, i) => {
      const c = perChoice[`edge ${e}`]?.[NB201_OPS[Number(code[i])] as string];
      flops += c?.flops ?? NaN;
      params += c?.params ?? NaN;
    });
    if (!(Math.abs(flops - r.flops) <= 1e-6 * r.flops && Math.abs(params - r.params) <= 1e-6 * r.params)) {
      throw new Error(`NB201 cost is not additive over edges at ${code}: model ${flops}/${params}, table ${r.flops}/${r.params}`);
    }
  }
  return model;
}
