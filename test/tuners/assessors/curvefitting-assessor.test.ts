import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { curvefittingAssessorFactory } from '../../../tuners/assessors/curvefitting-assessor';
import { AssessorArgsError } from '../../../tuners/assessors/assessor-args-error';
import { view } from './trial-views';

const create = (classArgs: Record<string, unknown>) => curvefittingAssessorFactory.create({ classArgs });
const curve = (n: number, f: (x: number) => number) => Array.from({ length: n }, (_, i) => f(i + 1));

describe('Curvefitting assessor', () => {
  const done = [view('t1', 'SUCCEEDED', curve(20, (x) => 0.92 - 0.5 / x), 0.9), view('t2', 'SUCCEEDED', curve(20, (x) => 0.7 - 0.3 / x), 0.7)];

  it('stops a curve that saturates below threshold × best final, keeps a late bloomer', () => {
    const a = create({ epoch_num: 20 }); // start_step 6, threshold 0.95: bar = 0.855
    const flat = view('t3', 'RUNNING', curve(6, (x) => 0.5 - 0.3 / x));
    const d = a.assess(flat, [...done, flat]);
    assert.equal(d.decision, 'stop');
    assert.match(d.decision === 'stop' ? d.reason : '', /predicts 0\.4[89]\d* at step 20, below 0\.8550 \(threshold 0\.95 × best final 0\.9000\)/);
    // Below the bar now (0.81 at step 6) but predicted 0.927 at step 20: continues.
    const bloomer = view('t4', 'RUNNING', curve(6, (x) => 1 - 0.8 * x ** -0.8));
    assert.ok(bloomer.intermediate[5]! < 0.855);
    assert.equal(a.assess(bloomer, [...done, bloomer]).decision, 'continue');
  });

  it('judges only at start_step + k·gap and before epoch_num, and only once a trial succeeded', () => {
    const a = create({ epoch_num: 20, start_step: 6, gap: 2 });
    const flat = (n: number) => view('t3', 'RUNNING', curve(n, (x) => 0.5 - 0.3 / x));
    assert.deepEqual([5, 6, 7, 8, 9, 10].map((n) => a.assess(flat(n), [...done, flat(n)]).decision), ['continue', 'stop', 'continue', 'stop', 'continue', 'stop']);
    const b = create({ epoch_num: 8, start_step: 4 });
    assert.equal(b.assess(flat(7), [...done, flat(7)]).decision, 'stop');
    assert.equal(b.assess(flat(8), [...done, flat(8)]).decision, 'continue', 'at epoch_num there is nothing left to predict');
    const notYet = [view('t1', 'RUNNING', curve(20, (x) => 0.92 - 0.5 / x)), view('f', 'FAILED', [0.9])];
    assert.equal(a.assess(flat(6), [...notYet, flat(6)]).decision, 'continue');
  });

  it('uses the last intermediate of a succeeded trial without a final metric', () => {
    const a = create({ epoch_num: 20, threshold: 1 });
    const hist = [view('t1', 'SUCCEEDED', [0.3, 0.4, 0.45])];
    const x = view('t2', 'RUNNING', curve(6, (s) => 0.5 - 0.3 / s)); // predicted ~0.485 > 0.45
    assert.equal(a.assess(x, [...hist, x]).decision, 'continue');
  });

  it('minimizes a loss: stops when the predicted loss is above best / threshold', () => {
    const a = create({ epoch_num: 30, optimize_mode: 'minimize', threshold: 0.9 });
    const hist = [view('t1', 'SUCCEEDED', [], 0.2)]; // bar 0.2222
    const stuck = view('t2', 'RUNNING', curve(8, (x) => 0.5 + 1 / x)); // -> about 0.53
    assert.equal(a.assess(stuck, [...hist, stuck]).decision, 'stop');
    const falling = view('t3', 'RUNNING', curve(8, (x) => 0.1 + 2 / x)); // -> about 0.17
    assert.equal(a.assess(falling, [...hist, falling]).decision, 'continue');
  });

  it('rejects bad classArgs with the argument path', () => {
    assert.throws(() => create({}), (e: unknown) => e instanceof AssessorArgsError && e.path === '/epoch_num');
    assert.throws(() => create({ epoch_num: 5, start_step: 5 }), (e: unknown) => e instanceof AssessorArgsError && e.path === '/start_step');
    assert.throws(() => create({ epoch_num: 5, threshold: 0 }), (e: unknown) => e instanceof AssessorArgsError && e.path === '/threshold');
    assert.throws(() => create({ epoch_num: 5, gap: 0 }), (e: unknown) => e instanceof AssessorArgsError && e.path === '/gap');
  });
});
