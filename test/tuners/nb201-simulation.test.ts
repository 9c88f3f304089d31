import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TunerFactory } from '../../tuners/tuner';
import { randomTunerFactory } from '../../tuners/random-tuner';
import { evolutionTunerFactory } from '../../tuners/evolution-tuner';
import { regularizedEvolutionTunerFactory } from '../../tuners/regularized-evolution-tuner';
import { tpeTunerFactory } from '../../tuners/tpe-tuner';
import { driveTuner } from './fake-trials';
import { loadNb201, nb201Available, nb201Code, nb201CsvPath, nb201Space } from './nb201-table';

const N = 300;
const SEEDS = [0, 1, 2, 3, 4];

/** Best c10_valid found by a tuner in N sequential proposals (one trial at a time). */
function bestFound(factory: TunerFactory, classArgs: Record<string, unknown>, seed: number, table: Map<string, number>): number {
  const tuner = factory.create({ searchSpace: nb201Space(), classArgs });
  const lookup = (c: Record<string, unknown>): number => {
    const v = table.get(nb201Code(c));
    if (v === undefined) throw new Error(`no NB201 row for ${nb201Code(c)}`);
    return v;
  };
  const { history } = driveTuner(tuner, { seed, rounds: N, count: 1, metric: lookup });
  assert.equal(history.length, N);
  return Math.max(...history.map((t) => t.finalMetric ?? -Infinity));
}

describe('NAS-Bench-201 simulation (c10_valid, 300 proposals, 5 seeds)', { skip: nb201Available() ? false : `no table at ${nb201CsvPath()}` }, () => {
  it('evolution, regularized evolution and TPE beat random search on mean best-found accuracy', () => {
    const table = loadNb201('c10_valid');
    assert.equal(table.size, 15625);
    const optimum = Math.max(...table.values());
    const runs: Array<[string, TunerFactory, Record<string, unknown>]> = [
      ['Random', randomTunerFactory, {}],
      ['Evolution (steady-state, P=50, top-10)', evolutionTunerFactory, {}],
      ['Evolution (generational, P=50, top-10)', evolutionTunerFactory, { mode: 'generational' }],
      ['RegularizedEvolution (P=50, S=10)', regularizedEvolutionTunerFactory, { populationSize: 50, sampleSize: 10 }],
      ['TPE (defaults)', tpeTunerFactory, {}],
    ];
    const means = new Map<string, number>();
    for (const [label, factory, args] of runs) {
      const bests = SEEDS.map((s) => bestFound(factory, args, s, table));
      const mean = bests.reduce((a, b) => a + b, 0) / bests.length;
      means.set(label, mean);
      console.log(`nb201 ${label}: mean best ${mean.toFixed(3)} (per seed ${bests.map((b) => b.toFixed(2)).join(', ')}; optimum ${optimum.toFixed(3)})`);
    }
    const random = means.get('Random') as number;
    for (const [label, mean] of means) if (label !== 'Random') assert.ok(mean > random, `${label} ${mean.toFixed(3)} <= Random ${random.toFixed(3)}`);
  });
});
