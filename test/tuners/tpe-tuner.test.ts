import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tpeTunerFactory } from '../../tuners/tpe-tuner';
import { randomTunerFactory } from '../../tuners/random-tuner';
import type { SearchSpace } from '../../tuners/search-space';
import type { Candidate, TunerFactory } from '../../tuners/tuner';
import { runTunerContract } from './tuner-contract';
import { driveTuner } from './fake-trials';

runTunerContract(tpeTunerFactory, {});
runTunerContract(tpeTunerFactory, { startupTrials: 5 });

describe('TpeTuner', () => {
  const space: SearchSpace = {
    x: { _type: 'uniform', _value: [-5, 5] },
    lr: { _type: 'loguniform', _value: [1e-5, 1] },
    op: { _type: 'choice', _value: ['a', 'b', 'c', 'd', 'e'] },
  };
  /** Minimum 0 at x = 1.5, lr = 1e-2, op = 'c'. */
  const loss = (c: Candidate): number =>
    ((c.x as number) - 1.5) ** 2 + (Math.log10(c.lr as number) + 2) ** 2 + (c.op === 'c' ? 0 : 4);

  function meanBest(factory: TunerFactory): number {
    let sum = 0;
    for (const seed of [0, 1, 2, 3]) {
      const tuner = factory.create({ searchSpace: space, classArgs: { optimize_mode: 'minimize' } });
      const { history } = driveTuner(tuner, { seed, rounds: 80, count: 1, metric: loss });
      sum += Math.min(...history.map((t) => t.finalMetric ?? Infinity));
    }
    return sum / 4;
  }

  it('minimizes a mixed continuous/categorical function better than random search', () => {
    const tpe = meanBest(tpeTunerFactory);
    const random = meanBest(randomTunerFactory);
    console.log(`tpe mean best loss ${tpe.toFixed(4)} vs random ${random.toFixed(4)} (80 trials, 4 seeds)`);
    assert.ok(tpe < random, `TPE ${tpe} not better than random ${random}`);
  });
});
