import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SearchSpace } from '../../tuners/search-space';
import type { Candidate } from '../../tuners/tuner';

/** NB201 op names in ops_code digit order (none=0 skip=1 conv1x1=2 conv3x3=3 avgpool=4). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
/** The 6 cell edges in ops_code order. */
export const NB201_EDGES = ['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2'];

/** Path of the shared NB201 table: $NASCTL_SHARED_DATA or ../shared/data beside the repo. */
export function nb201CsvPath(): string {
  const base = process.env.NASCTL_SHARED_DATA ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
  return join(base, 'nasbench201', 'nb201_200ep.csv');
}

/** True when the table is present (the simulation test skips otherwise, saying why). */
export function nb201Available(): boolean {
  return existsSync(nb201CsvPath());
}

/** The NB201 cell as a search space: one `choice` of op names per edge. */
export function nb201Space(): SearchSpace {
  const space: SearchSpace = {};
  for (const e of NB201_EDGES) space[`edge ${e}`] = { _type: 'choice', _value: [...NB201_OPS] };
  return space;
}

/** ops_code -> value of `column` (e.g. c10_valid), read from the CSV. Throws if the column is absent. */
export function loadNb201(column: string): Map<string, number> {
  const lines = readFileSync(nb201CsvPath(), 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const codeAt = header.indexOf('ops_code');
  const colAt = header.indexOf(column);
  if (codeAt < 0 || colAt < 0) throw new Error(`nb201 table lacks ops_code or ${column}`);
  const out = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    out.set(f[codeAt] as string, Number(f[colAt]));
  }
  return out;
}

/** The ops_code of a candidate of {@link nb201Space}. */
export function nb201Code(c: Candidate): string {
  return NB201_EDGES.map((e) => NB201_OPS.indexOf(c[`edge ${e}`] as string)).join('');
}
