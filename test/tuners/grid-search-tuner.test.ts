import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gridSearchTunerFactory } from '../../tuners/grid-search-tuner';
import { createRng } from '../../tuners/rng';
import { canonicalKey } from '../../tuners/space/canonical-key';
import { runTunerContract } from './tuner-contract';
import { driveTuner, fakeTrial } from './fake-trials';
import { sposCostModel, sposSpace } from './contract-spaces';
import type { SearchSpace } from '../../tuners/search-space';

runTunerContract(gridSearchTunerFactory, {}, undefined, { seedIndependent: true });

describe('GridSearchTuner', () => {
  const space: SearchSpace = {
    a: { _type: 'choice', _value: ['p', 'q'] },
    n: { _type: 'randint', _value: [0, 3] },
    x: { _type: 'uniform', _value: [0, 1] },
  };

  it('proposes every grid point once, then is exhausted', () => {
    const tuner = gridSearchTunerFactory.create({ searchSpace: space, classArgs: { gridPoints: 3 } });
    const { history } = driveTuner(tuner, { seed: 0, rounds: 5, count: 4, failEvery: 2 });
    assert.equal(history.length, 18);
    assert.equal(new Set(history.map((t) => canonicalKey(t.parameters))).size, 18);
    assert.deepEqual([...new Set(history.map((t) => t.parameters.x))].sort(), [0, 0.5, 1]);
    assert.equal(tuner.isExhausted?.({ history }), true);
    assert.deepEqual(tuner.propose({ count: 3, history, rng: createRng(0) }), []);
  });

  it('resumes from the history with a fresh tuner, skipping points already tried', () => {
    const first = gridSearchTunerFactory.create({ searchSpace: space, classArgs: { gridPoints: 3 } });
    const { history } = driveTuner(first, { seed: 0, rounds: 2, count: 4 });
    const fresh = gridSearchTunerFactory.create({ searchSpace: space, classArgs: { gridPoints: 3 } });
    const next = fresh.propose({ count: 20, history, rng: createRng(9) });
    assert.equal(next.length, 10);
    const before = new Set(history.map((t) => canonicalKey(t.parameters)));
    for (const c of next) assert.ok(!before.has(canonicalKey(c)));
  });

  it('walks a 4^20 grid lazily and skips points over the FLOPs limit', () => {
    const tuner = gridSearchTunerFactory.create({ searchSpace: sposSpace(), classArgs: { flopsLimit: 300e6 }, cost: sposCostModel() });
    const props = tuner.propose({ count: 5, history: [fakeTrial(0, { other: 1 }, 'FAILED')], rng: createRng(0) });
    assert.equal(props.length, 5);
    assert.equal(tuner.isExhausted?.({ history: [] }), false);
  });

  it('refuses a grid beyond 2^53 points with advice', () => {
    const huge: SearchSpace = {};
    for (let i = 0; i < 30; i++) huge[`L${i}`] = { _type: 'layer_choice', _value: ['0', '1', '2', '3'] };
    assert.throws(() => gridSearchTunerFactory.create({ searchSpace: huge, classArgs: {} }), /Random or Evolution/);
  });
});
