import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completeGenerations } from '../../../tuners/evolution/generations';
import { evolutionTunerFactory } from '../../../tuners/evolution-tuner';
import type { TrialView } from '../../../tuners/tuner';

const t = (seq: number, status: TrialView['status'], finalMetric?: number): TrialView => ({
  id: `t${seq}`, sequence: seq, parameters: { a: seq }, status, intermediate: [], ...(finalMetric === undefined ? {} : { finalMetric }),
});

describe('completeGenerations', () => {
  const rules = { size: 3, top: 2, optimizeMode: 'maximize' as const, currentOnly: false };
  const history = [
    t(0, 'SUCCEEDED', 0.5), t(1, 'FAILED'), t(2, 'SUCCEEDED', 0.7),
    t(3, 'SUCCEEDED', 0.6), t(4, 'EARLY_STOPPED'), t(5, 'SUCCEEDED', 0.1),
    t(6, 'SUCCEEDED', 0.9), t(7, 'RUNNING'), t(8, 'SUCCEEDED', 0.8),
  ];

  it('lists complete generations from `from`, stopping at the first with a pending trial', () => {
    const gens = completeGenerations(history, 0, rules);
    assert.deepEqual(gens.map((g) => [g.generation, g.firstSequence, g.lastSequence, g.top.map((x) => x.id)]), [
      [0, 0, 2, ['t2', 't0']],
      [1, 3, 5, ['t2', 't3']],
    ]);
    assert.deepEqual(completeGenerations(history, 1, rules).map((g) => g.generation), [1]);
    assert.deepEqual(completeGenerations(history, 2, rules), [], 'trial 7 still runs');
    assert.deepEqual(completeGenerations(history.slice(0, 5), 1, rules), [], 'generation 1 is not fully created');
  });

  it('ranks the generation alone with currentOnly, and by the lowest metric when minimizing', () => {
    assert.deepEqual(completeGenerations(history, 1, { ...rules, currentOnly: true })[0]!.top.map((x) => x.id), ['t3', 't5']);
    assert.deepEqual(completeGenerations(history, 1, { ...rules, optimizeMode: 'minimize' })[0]!.top.map((x) => x.id), ['t5', 't0']);
  });

  it('is what the Evolution tuner reports, with its populationSize and selectNum', () => {
    const tuner = evolutionTunerFactory.create({ searchSpace: { a: { _type: 'choice', _value: [0, 1, 2, 3, 4, 5, 6, 7, 8] } }, classArgs: { populationSize: 3, selectNum: 2, mutationNum: 1, crossoverNum: 1 } });
    assert.deepEqual(tuner.generations!(history, 0), completeGenerations(history, 0, rules));
  });
});
