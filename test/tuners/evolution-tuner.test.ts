import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evolutionTunerFactory } from '../../tuners/evolution-tuner';
import { createRng } from '../../tuners/rng';
import { canonicalKey } from '../../tuners/space/canonical-key';
import { sampleCandidate } from '../../tuners/space/sample';
import type { TrialView } from '../../tuners/tuner';
import { runTunerContract } from './tuner-contract';
import { driveTuner, fakeTrial, hamming } from './fake-trials';
import { sposSpace } from './contract-spaces';

const small = { populationSize: 6, selectNum: 3, mutationNum: 2, crossoverNum: 2 };
runTunerContract(evolutionTunerFactory, {});
runTunerContract(evolutionTunerFactory, small);
runTunerContract(evolutionTunerFactory, { ...small, mode: 'generational' }, undefined, { mayWait: true });
runTunerContract(evolutionTunerFactory, { ...small, mode: 'generational', selectFrom: 'current' }, undefined, { mayWait: true });

/** n SUCCEEDED SPOS trials with metric = their sequence (so the last is the best when maximizing). */
function rankedHistory(n: number): TrialView[] {
  const rng = createRng(77);
  return Array.from({ length: n }, (_, i) => fakeTrial(i, sampleCandidate(sposSpace(), rng), 'SUCCEEDED', i));
}

describe('EvolutionTuner', () => {
  it('steady-state: fills every slot when concurrency exceeds the population and most trials fail', () => {
    const tuner = evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { populationSize: 5, selectNum: 2 } });
    const { rounds, history } = driveTuner(tuner, { seed: 1, rounds: 10, count: 12, failEvery: 2, leaveRunning: 6 });
    for (const r of rounds) assert.equal(r.length, 12);
    assert.equal(new Set(history.map((t) => canonicalKey(t.parameters))).size, history.length, 'duplicate proposals');
  });

  it('steady-state: children come from the top-k (maximize and minimize)', () => {
    const h = rankedHistory(10);
    for (const [mode, parent] of [['maximize', h[9]], ['minimize', h[0]]] as const) {
      const tuner = evolutionTunerFactory.create({
        searchSpace: sposSpace(),
        classArgs: { optimize_mode: mode, populationSize: 10, selectNum: 1, mutationNum: 1, crossoverNum: 0, mutationProb: 0.1 },
      });
      const kids = tuner.propose({ count: 20, history: h, rng: createRng(3) });
      const mean = kids.reduce((s, k) => s + hamming(k, (parent as TrialView).parameters), 0) / kids.length;
      assert.ok(mean < 4, `${mode}: mean distance to the best parent ${mean} (random would be ~15)`);
    }
  });

  it('generational: waits for a generation to finish, then breeds the next one in order', () => {
    const args = { mode: 'generational', populationSize: 6, selectNum: 2, mutationNum: 2, crossoverNum: 2 };
    const tuner = evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: args });
    const gen0 = tuner.propose({ count: 10, history: [], rng: createRng(1) });
    assert.equal(gen0.length, 6, 'generation 0 is populationSize random candidates');
    const running = gen0.map((c, i) => fakeTrial(i, c, i === 5 ? 'RUNNING' : 'SUCCEEDED', i === 5 ? undefined : i));
    assert.deepEqual(tuner.propose({ count: 4, history: running, rng: createRng(2) }), []);
    const done = running.map((t) => (t.status === 'RUNNING' ? fakeTrial(t.sequence, t.parameters, 'FAILED') : t));
    const gen1 = tuner.propose({ count: 4, history: done, rng: createRng(2) });
    assert.equal(gen1.length, 4);
    const top = [done[4], done[3]].map((t) => (t as TrialView).parameters);
    for (const m of gen1.slice(0, 2)) assert.ok(Math.min(...top.map((p) => hamming(m, p))) <= 8, 'mutant far from both parents');
  });

  it('generational: a generation where every trial failed does not stall the search', () => {
    const tuner = evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { ...small, mode: 'generational' } });
    const { rounds } = driveTuner(tuner, { seed: 2, rounds: 8, count: 6, failEvery: 1 });
    for (const r of rounds) assert.equal(r.length, 6);
  });

  it('rejects inconsistent classArgs', () => {
    assert.throws(() => evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { populationSize: 5, selectNum: 6 } }), /selectNum/);
    assert.throws(() => evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { mode: 'generational', populationSize: 10 } }), /populationSize/);
    assert.throws(() => evolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { mode: 'islands' } }), /mode/);
  });
});
