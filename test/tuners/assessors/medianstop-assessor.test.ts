import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { medianstopAssessorFactory } from '../../../tuners/assessors/medianstop-assessor';
import { AssessorArgsError } from '../../../tuners/assessors/assessor-args-error';
import { view } from './trial-views';

const create = (classArgs: Record<string, unknown> = {}) => medianstopAssessorFactory.create({ classArgs });

describe('Medianstop assessor', () => {
  // Completed running averages at step 2: t1 (0.5,0.7)->0.6, t2 (0.2,0.4)->0.3, t3 (0.8,0.8)->0.8.
  const completed = [view('t1', 'SUCCEEDED', [0.5, 0.7, 0.9]), view('t2', 'SUCCEEDED', [0.2, 0.4]), view('t3', 'SUCCEEDED', [0.8, 0.8, 0.8, 0.8])];

  it('stops a trial whose best so far is below the median of the running averages at its step', () => {
    const a = create();
    const slow = view('t9', 'RUNNING', [0.1, 0.55]); // best 0.55 < median(0.3, 0.6, 0.8) = 0.6
    const d = a.assess(slow, [...completed, slow]);
    assert.equal(d.decision, 'stop');
    assert.match(d.decision === 'stop' ? d.reason : '', /0\.5500.*median 0\.6000.*3 completed trial\(s\) at step 2/);
    const ok = view('t8', 'RUNNING', [0.6, 0.1]); // best 0.6 equals the median: not strictly worse
    assert.equal(a.assess(ok, [...completed, ok]).decision, 'continue');
  });

  it('compares only with completed trials that reached the step, and only SUCCEEDED ones', () => {
    const a = create();
    // At step 3 only t1 (avg 0.7) and t3 (avg 0.8) count; lower median = 0.7 (up to rounding).
    const x = view('t9', 'RUNNING', [0.1, 0.2, 0.69]);
    assert.equal(a.assess(x, [...completed, x]).decision, 'stop');
    const y = view('t8', 'RUNNING', [0.1, 0.2, 0.71]);
    assert.equal(a.assess(y, [...completed, y]).decision, 'continue');
    // FAILED, EARLY_STOPPED and RUNNING trials never count; with no completed trial at a step: continue.
    const others = [view('f1', 'FAILED', [0.9, 0.9, 0.9, 0.9, 0.9]), view('e1', 'EARLY_STOPPED', [0.9, 0.9, 0.9, 0.9, 0.9]), view('r1', 'RUNNING', [0.9, 0.9, 0.9, 0.9, 0.9])];
    const z = view('t7', 'RUNNING', [0, 0, 0, 0, 0]);
    assert.equal(a.assess(z, [...completed, ...others, z]).decision, 'continue');
  });

  it('uses the upper middle value and the minimum when minimizing', () => {
    const a = create({ optimize_mode: 'minimize' });
    // Step 1 averages: 0.5, 0.2, 0.8, 0.4 -> sorted 0.2 0.4 0.5 0.8, upper middle 0.5.
    const hist = [...completed, view('t4', 'SUCCEEDED', [0.4])];
    const bad = view('t9', 'RUNNING', [0.51]);
    assert.equal(a.assess(bad, [...hist, bad]).decision, 'stop');
    const good = view('t8', 'RUNNING', [0.5]);
    assert.equal(a.assess(good, [...hist, good]).decision, 'continue');
    // Maximizing, the same four give the lower middle 0.4.
    const max = create();
    assert.equal(max.assess(view('t9', 'RUNNING', [0.39]), hist).decision, 'stop');
    assert.equal(max.assess(view('t9', 'RUNNING', [0.4]), hist).decision, 'continue');
  });

  it('does not judge before start_step', () => {
    const a = create({ start_step: 3 });
    const x = view('t9', 'RUNNING', [0, 0]);
    assert.equal(a.assess(x, [...completed, x]).decision, 'continue');
    const later = view('t9', 'RUNNING', [0, 0, 0]);
    assert.equal(a.assess(later, [...completed, later]).decision, 'stop');
  });

  it('rejects bad classArgs with the argument path', () => {
    assert.throws(() => create({ start_step: -1 }), (e: unknown) => e instanceof AssessorArgsError && e.path === '/start_step');
    assert.throws(() => create({ optimize_mode: 'up' }), (e: unknown) => e instanceof AssessorArgsError && e.path === '/optimize_mode' && /assessor classArgs/.test(e.message));
    assert.throws(() => create({ epoch_num: 3 }), (e: unknown) => e instanceof AssessorArgsError && /unknown argument/.test(e.message));
  });
});
