import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { regularizedEvolutionTunerFactory } from '../../tuners/regularized-evolution-tuner';
import { createRng } from '../../tuners/rng';
import { sampleCandidate } from '../../tuners/space/sample';
import type { Candidate, TrialView } from '../../tuners/tuner';
import { runTunerContract } from './tuner-contract';
import { fakeTrial, hamming } from './fake-trials';
import { sposSpace } from './contract-spaces';

runTunerContract(regularizedEvolutionTunerFactory, {});
runTunerContract(regularizedEvolutionTunerFactory, { populationSize: 5, sampleSize: 2 });

describe('RegularizedEvolutionTuner', () => {
  const rng = createRng(5);
  const h: TrialView[] = Array.from({ length: 12 }, (_, i) => fakeTrial(i, sampleCandidate(sposSpace(), rng), i === 11 ? 'FAILED' : 'SUCCEEDED', i === 11 ? undefined : i));

  it('random while the population is not full', () => {
    const tuner = regularizedEvolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { populationSize: 20, sampleSize: 20 } });
    const kids = tuner.propose({ count: 5, history: h, rng: createRng(1) });
    assert.ok(kids.some((k) => Math.min(...h.map((t) => hamming(k, t.parameters))) > 3), 'looks like mutants, expected random');
  });

  it('mutates exactly one choice of a tournament winner from the aged population', () => {
    // population = the 4 newest successes (sequences 7..10); trial 11 failed and never enters
    const members = h.slice(7, 11).map((t) => t.parameters);
    const aged = h.slice(0, 7).map((t) => t.parameters);
    for (const [mode, best] of [['maximize', members[3]], ['minimize', members[0]]] as const) {
      const tuner = regularizedEvolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { populationSize: 4, sampleSize: 4, optimize_mode: mode } });
      const kids = tuner.propose({ count: 40, history: h, rng: createRng(2) });
      for (const k of kids) {
        assert.equal(Math.min(...members.map((m) => hamming(k, m))), 1, 'child is not a one-choice mutant of a population member');
        assert.ok(Math.min(...aged.map((m) => hamming(k, m))) > 1, 'child of a trial that aged out');
      }
      // with replacement, the best wins a 4-of-4 tournament with probability 1 - (3/4)^4 = 0.68
      const fromBest = kids.filter((k) => hamming(k, best as Candidate) === 1).length;
      assert.ok(fromBest >= 18, `${mode}: only ${fromBest} of 40 children from the best member`);
    }
  });

  it('rejects sampleSize above populationSize', () => {
    assert.throws(() => regularizedEvolutionTunerFactory.create({ searchSpace: sposSpace(), classArgs: { populationSize: 3, sampleSize: 4 } }), /sampleSize/);
  });
});
