import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomTunerFactory } from '../../tuners/random-tuner';
import { createRng } from '../../tuners/rng';
import { canonicalKey } from '../../tuners/space/canonical-key';
import { TunerArgsError } from '../../tuners/tuner-error';
import { runTunerContract } from './tuner-contract';
import { driveTuner } from './fake-trials';

runTunerContract(randomTunerFactory, {});

describe('RandomTuner', () => {
  const small = { a: { _type: 'choice' as const, _value: [1, 2, 3] }, b: { _type: 'layer_choice' as const, _value: ['x', 'y'] } };

  it('avoids duplicates of the history while new points exist, then repeats', () => {
    const tuner = randomTunerFactory.create({ searchSpace: small, classArgs: {} });
    const { history } = driveTuner(tuner, { seed: 1, rounds: 3, count: 2 });
    assert.equal(new Set(history.map((t) => canonicalKey(t.parameters))).size, 6);
    const more = tuner.propose({ count: 2, history, rng: createRng(1, 6) });
    assert.equal(more.length, 2);
  });

  it('rejects unknown classArgs and bad maxTries with the argument path', () => {
    assert.throws(() => randomTunerFactory.create({ searchSpace: small, classArgs: { populationSize: 3 } }), (e: unknown) => e instanceof TunerArgsError && e.path === '/populationSize');
    assert.throws(() => randomTunerFactory.create({ searchSpace: small, classArgs: { maxTries: 0 } }), /maxTries.*>= 1/);
  });

  it('rejects an empty or malformed space', () => {
    assert.throws(() => randomTunerFactory.create({ searchSpace: {}, classArgs: {} }), /empty/);
    assert.throws(() => randomTunerFactory.create({ searchSpace: { r: { _type: 'randint', _value: [3, 3] } }, classArgs: {} }), /"r": randint/);
  });
});
