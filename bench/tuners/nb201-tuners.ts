/**
 * bench/tuners: the NAS-Bench-201 paper's protocol for non-weight-sharing search (Dong & Yang,
 * ICLR 2020, Table 5; ../shared/data/README.md §4.1–4.2), run with nasctl's tuners directly (the
 * tuner loop of bench/tuners/simulate.ts, no daemon):
 *
 *   node dist/bench/tuners/nb201-tuners.js [--runs 200] [--budget 12000 | --queries 100] [--data DIR]
 *     [--only TEXT] [--add 'NAME {"classArg": 1}' ...]
 *
 * `--only` keeps Random and the built-in rows whose label contains TEXT; `--add` appends a row for a
 * built-in tuner with the given classArgs (repeatable).
 *
 * Search signal: cifar10-valid x-valid accuracy after the 12-epoch schedule (nb201_12ep.csv
 * c10_valid_12ep, the seed mean: the paper drew one random seed per query). Budget: 12,000 s of
 * simulated training; one query costs 12/200 of its 200-epoch train time (train_time_s_c10), about
 * 109 queries per run. Reported: the 200-epoch accuracies (v1_0 CIFAR-10 valid and test, CIFAR-100
 * and ImageNet16-120 x-test) of the architecture with the best signal, mean ± std (n divisor)
 * over runs, and a one-sided Mann-Whitney U test of each tuner's CIFAR-10 test accuracies
 * against Random's.
 */
import { parseArgs } from 'node:util';
import type { Candidate, TunerFactory } from '../../tuners/tuner';
import { randomTunerFactory } from '../../tuners/random-tuner';
import { evolutionTunerFactory } from '../../tuners/evolution-tuner';
import { regularizedEvolutionTunerFactory } from '../../tuners/regularized-evolution-tuner';
import { tpeTunerFactory } from '../../tuners/tpe-tuner';
import { prioritizedPathTunerFactory } from '../../tuners/prioritized-path-tuner';
import { builtinTuners } from '../../tuners/registry';
import { defaultDataDir, loadNb201Table, nb201Code, nb201CostModel, nb201Space } from './nb201-data';
import type { Nb201Row } from './nb201-data';
import { simulateSearch } from './simulate';
import { mannWhitneyGreater, mean, stdPopulation } from './stats';

/** One row of the benchmark: a tuner and its classArgs. */
interface Entry {
  label: string;
  factory: TunerFactory;
  classArgs: Record<string, unknown>;
}

const ENTRIES: Entry[] = [
  { label: 'Random', factory: randomTunerFactory, classArgs: {} },
  { label: 'RegularizedEvolution P=10 S=3 (paper)', factory: regularizedEvolutionTunerFactory, classArgs: { populationSize: 10, sampleSize: 3 } },
  { label: 'RegularizedEvolution (defaults)', factory: regularizedEvolutionTunerFactory, classArgs: {} },
  { label: 'Evolution steady-state (defaults)', factory: evolutionTunerFactory, classArgs: {} },
  { label: 'Evolution steady-state P=10 top-3', factory: evolutionTunerFactory, classArgs: { populationSize: 10, selectNum: 3 } },
  { label: 'Evolution generational (defaults)', factory: evolutionTunerFactory, classArgs: { mode: 'generational' } },
  { label: 'Evolution generational P=20 top-5', factory: evolutionTunerFactory, classArgs: { mode: 'generational', populationSize: 20, selectNum: 5, mutationNum: 10, crossoverNum: 10 } },
  { label: 'TPE (defaults)', factory: tpeTunerFactory, classArgs: {} },
  { label: 'PrioritizedPath (defaults)', factory: prioritizedPathTunerFactory, classArgs: {} },
  { label: 'PrioritizedPath exploit=0 (Cream)', factory: prioritizedPathTunerFactory, classArgs: { exploit: 0 } },
];

/** NB201 paper Table 5 (CIFAR-10 valid / test, CIFAR-100 test, ImageNet16-120 test), as listed in shared/data/README.md §4.1. */
const PUBLISHED: Array<[string, string]> = [
  ['REA', '91.19±0.31 | 93.92±0.30 | 71.84±0.99 | 45.54±1.03'],
  ['RS', '90.93±0.36 | 93.70±0.36 | 71.04±1.07 | 44.57±1.25'],
  ['REINFORCE', '91.09±0.37 | 93.85±0.37 | 71.71±1.09 | 45.24±1.18'],
  ['BOHB', '90.82±0.53 | 93.61±0.52 | 70.85±1.28 | 44.42±1.49'],
  ['optimal', '91.61 | 94.37 | 73.51 | 47.31'],
];

const fmt = (xs: readonly number[]): string => `${mean(xs).toFixed(2)}±${stdPopulation(xs).toFixed(2)}`;

/** Parses `--add 'NAME {json}'` into a row. Throws an Error naming the built-in tuners when NAME is unknown. */
function parseAdd(text: string): Entry {
  const space = text.indexOf(' ');
  const name = space < 0 ? text : text.slice(0, space);
  const factory = builtinTuners().find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!factory) throw new Error(`--add: unknown tuner "${name}"; built-in: ${builtinTuners().map((f) => f.name).join(', ')}`);
  const classArgs = space < 0 ? {} : (JSON.parse(text.slice(space + 1)) as Record<string, unknown>);
  return { label: `${factory.name} ${JSON.stringify(classArgs)}`, factory, classArgs };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '200' },
      budget: { type: 'string', default: '12000' },
      queries: { type: 'string' },
      data: { type: 'string', default: defaultDataDir() },
      only: { type: 'string' },
      add: { type: 'string', multiple: true, default: [] },
    },
  });
  const only = values.only?.toLowerCase();
  const kept = ENTRIES.filter((e) => only === undefined || e.label === 'Random' || e.label.toLowerCase().includes(only));
  const entries = [...kept, ...(values.add ?? []).map(parseAdd)];
  const runs = Number(values.runs);
  const byQueries = values.queries !== undefined;
  const budgetSeconds = byQueries ? Infinity : Number(values.budget);
  const maxQueries = byQueries ? Number(values.queries) : Infinity;
  const t0 = Date.now();
  const table = loadNb201Table(values.data);
  const cost = nb201CostModel(table);
  const space = nb201Space();
  const rowOf = (c: Candidate): Nb201Row => {
    const r = table.rows.get(nb201Code(c));
    if (!r) throw new Error(`no NB201 row for ${JSON.stringify(c)}`);
    return r;
  };
  const all = [...table.rows.values()];
  const optimum = Math.max(...all.map((r) => r.c10TestV10));
  const oracle = all.reduce((a, b) => (b.signal12 > a.signal12 ? b : a));
  const meanQuery = mean(all.map((r) => r.querySeconds));

  console.log(`NAS-Bench-201, CIFAR-10 search: tuner loop run directly (no daemon), one trial at a time, ${runs} runs (seeds 0..${runs - 1}) per tuner`);
  console.log(`search signal: c10_valid_12ep (seed mean); budget: ${byQueries ? `${maxQueries} queries` : `${budgetSeconds} s simulated, one query = 12/200 x train_time_s_c10 (mean ${meanQuery.toFixed(1)} s)`}`);
  console.log(`reported: 200-epoch accuracy (%) of the best-signal architecture; mean±std (n divisor); p = one-sided Mann-Whitney U of C10 test vs Random`);
  console.log(`space optimum C10 test ${optimum.toFixed(2)}; best-signal architecture of the whole space (${oracle.arch}) has C10 test ${oracle.c10TestV10.toFixed(2)}\n`);

  const header = ['tuner', 'queries', 'C10 valid', 'C10 test', 'C100 test', 'IN16 test', 'p vs Random'];
  const lines: string[][] = [];
  let randomTest: number[] | undefined;
  const json: Record<string, unknown>[] = [];
  for (const e of entries) {
    const picks: Nb201Row[] = [];
    const queries: number[] = [];
    for (let seed = 0; seed < runs; seed++) {
      const r = simulateSearch(
        {
          factory: e.factory,
          create: { searchSpace: space, cost },
          classArgs: e.classArgs,
          evaluate: (c) => {
            const row = rowOf(c);
            return { signal: row.signal12, seconds: row.querySeconds };
          },
          budgetSeconds,
          maxQueries,
        },
        seed,
      );
      picks.push(rowOf(r.best));
      queries.push(r.queries);
    }
    const test = picks.map((p) => p.c10TestV10);
    if (e.label === 'Random') randomTest = test;
    const p = e.label === 'Random' || !randomTest ? '—' : mannWhitneyGreater(test, randomTest).p.toExponential(1);
    lines.push([e.label, mean(queries).toFixed(1), fmt(picks.map((x) => x.c10ValidV10)), fmt(test), fmt(picks.map((x) => x.c100Test)), fmt(picks.map((x) => x.in16Test)), p]);
    json.push({ tuner: e.label, classArgs: e.classArgs, queries: mean(queries), c10TestMean: mean(test), c10TestStd: stdPopulation(test), p });
  }
  for (const [name, figures] of PUBLISHED) lines.push([`published ${name} (NB201 Table 5)`, '', ...figures.split(' | '), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
  console.log(`\n${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
  console.log(JSON.stringify({ runs, budgetSeconds: byQueries ? null : budgetSeconds, maxQueries: byQueries ? maxQueries : null, results: json }));
}

main();
