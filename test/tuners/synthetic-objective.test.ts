import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CostModel, SearchSpace } from '../../tuners/search-space';
import type { Candidate, TunerFactory } from '../../tuners/tuner';
import { createRng } from '../../tuners/rng';
import { builtinTuners, findTuner } from '../../tuners/registry';
import { isInSpace } from '../../tuners/space/contains';
import { candidateCost, withinLimits } from '../../tuners/space/cost';
import { driveTuner } from './fake-trials';

const KEYS = 8;
const OPS = ['a', 'b', 'c', 'd', 'e'];

/** 8 layer choices of 5 ops: 390,625 architectures. */
function space(): SearchSpace {
  const s: SearchSpace = {};
  for (let k = 0; k < KEYS; k++) s[`layer${k}`] = { _type: 'layer_choice', _value: [...OPS] };
  return s;
}

/** Fixed per-layer op values in [0, 1) from a seeded RNG; the metric is their sum scaled to 0..100. */
const VALUES: number[][] = (() => {
  const rng = createRng(2024);
  return Array.from({ length: KEYS }, () => OPS.map(() => rng.next()));
})();
const OPTIMUM_SUM = VALUES.reduce((s, row) => s + Math.max(...row), 0);

/** Accuracy-like objective, 100 exactly at the known optimum (each layer's best op), plus a pairwise term. */
function objective(c: Candidate): number {
  let sum = 0;
  const idx: number[] = [];
  for (let k = 0; k < KEYS; k++) {
    const i = (c[`layer${k}`] as { _idx: number })._idx;
    idx.push(i);
    sum += (VALUES[k] as number[])[i] as number;
  }
  // interaction: neighbouring layers with the same op lose a little (keeps it from being separable)
  let clash = 0;
  for (let k = 1; k < KEYS; k++) if (idx[k] === idx[k - 1]) clash += 0.05;
  return (100 * Math.max(0, sum - clash)) / OPTIMUM_SUM;
}

/** FLOPs: op index i costs (i + 1) MFLOPs per layer, base 10 MFLOPs (18..50 MFLOPs in all). */
function cost(): CostModel {
  const perChoice: CostModel['perChoice'] = {};
  for (let k = 0; k < KEYS; k++) perChoice[`layer${k}`] = Object.fromEntries(OPS.map((op, i) => [op, { flops: (i + 1) * 1e6, params: (i + 1) * 1e3 }]));
  return { base: { flops: 10e6, params: 1e4 }, perChoice };
}

const TRIALS = 60;
const SEEDS = Array.from({ length: 24 }, (_, i) => i);

/** The tuners and classArgs sized for a 60-trial budget (defaults where they fit it). */
const RUNS: Array<[string, Record<string, unknown>]> = [
  ['Evolution', { populationSize: 10, selectNum: 3 }],
  ['Evolution', { mode: 'generational', populationSize: 15, selectNum: 5, mutationNum: 7, crossoverNum: 7 }],
  ['RegularizedEvolution', { populationSize: 10, sampleSize: 3 }],
  ['TPE', {}],
  ['PrioritizedPath', {}],
];

function meanBest(factory: TunerFactory, classArgs: Record<string, unknown>): number {
  let total = 0;
  for (const seed of SEEDS) {
    const tuner = factory.create({ searchSpace: space(), classArgs });
    const { history } = driveTuner(tuner, { seed, rounds: TRIALS, count: 1, metric: objective });
    total += Math.max(...history.map((t) => t.finalMetric ?? -Infinity));
  }
  return total / SEEDS.length;
}

describe(`synthetic objective (8 x layer_choice(5), optimum 100, ${TRIALS} trials, ${SEEDS.length} seeds)`, () => {
  it('the known optimum scores 100 and nothing scores more', () => {
    const best: Candidate = {};
    for (let k = 0; k < KEYS; k++) {
      const row = VALUES[k] as number[];
      const i = row.indexOf(Math.max(...row));
      best[`layer${k}`] = { _value: OPS[i], _idx: i };
    }
    assert.ok(Math.abs(objective(best) - 100) < 1e-9 || objective(best) < 100, 'optimum above 100');
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const c: Candidate = {};
      for (let k = 0; k < KEYS; k++) {
        const j = rng.int(OPS.length);
        c[`layer${k}`] = { _value: OPS[j], _idx: j };
      }
      assert.ok(objective(c) <= 100 + 1e-9);
    }
  });

  it('every learning tuner beats Random on mean best-found over seeds', () => {
    const random = meanBest(findTuner('Random') as TunerFactory, {});
    for (const [name, args] of RUNS) {
      const m = meanBest(findTuner(name) as TunerFactory, args);
      console.log(`synthetic: ${name} ${JSON.stringify(args)} mean best ${m.toFixed(2)} vs Random ${random.toFixed(2)} (optimum 100)`);
      assert.ok(m > random, `${name} ${JSON.stringify(args)}: mean best ${m.toFixed(3)} <= Random ${random.toFixed(3)}`);
    }
  });

  it('every built-in tuner, run into its learning phase, stays in the space and the FLOPs window and is reproducible', () => {
    const limits = { flopsMin: 25e6, flopsLimit: 35e6, paramsLimit: 34e3 };
    const small: Record<string, Record<string, unknown>> = {
      Evolution: { populationSize: 6, selectNum: 2 },
      RegularizedEvolution: { populationSize: 6, sampleSize: 2 },
      TPE: { startupTrials: 6 },
      PrioritizedPath: { boardSize: 4, exploit: 0.7 },
    };
    for (const factory of builtinTuners()) {
      const make = () => factory.create({ searchSpace: space(), classArgs: { ...(small[factory.name] ?? {}), ...limits }, cost: cost() });
      const a = driveTuner(make(), { seed: 9, rounds: 12, count: 3, failEvery: 5, leaveRunning: 1, metric: objective });
      const b = driveTuner(make(), { seed: 9, rounds: 12, count: 3, failEvery: 5, leaveRunning: 1, metric: objective });
      assert.deepEqual(b.rounds, a.rounds, `${factory.name} not reproducible`);
      assert.ok(a.history.length >= 20, `${factory.name}: only ${a.history.length} proposals`);
      for (const t of a.history) {
        assert.equal(isInSpace(t.parameters, space()), undefined, `${factory.name} left the space`);
        const c = candidateCost(t.parameters, cost());
        assert.ok(withinLimits(c, { flopsMin: limits.flopsMin, flopsMax: limits.flopsLimit, paramsMax: limits.paramsLimit }), `${factory.name} over the limits: ${JSON.stringify(c)}`);
      }
    }
  });
});
