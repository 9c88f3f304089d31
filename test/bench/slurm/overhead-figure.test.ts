import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overheadFigure } from '../../../bench/slurm/overhead-figure';

describe('overheadFigure', () => {
  it('derives throughput, slot time per trial and the steady state after the slots started', () => {
    // 2 slots; the first trial of each slot ends at 1000 ms (start-up), then one trial every 10 ms per slot.
    const ends = [1000, 1000];
    for (let i = 1; i <= 50; i += 1) ends.push(1000 + i * 10, 1000 + i * 10);
    const f = overheadFigure({ name: 's', trials: 102, concurrency: 2, startMs: 0, endMs: 1500, trialEndsMs: ends.reverse(), daemonCpuMs: 51 });
    assert.equal(f.seconds, 1.5);
    assert.equal(f.trialsPerSecond, 68);
    assert.equal(f.overheadMsPerTrial, (1500 * 2) / 102);
    assert.equal(f.steadyOverheadMsPerTrial, 10);
    assert.equal(f.daemonCpuMsPerTrial, 0.5);
  });

  it('no steady state for too few trials; a RangeError for an empty span', () => {
    assert.equal(overheadFigure({ name: 's', trials: 3, concurrency: 2, startMs: 0, endMs: 10, trialEndsMs: [5, 6, 9], daemonCpuMs: 0 }).steadyOverheadMsPerTrial, undefined);
    assert.throws(() => overheadFigure({ name: 's', trials: 1, concurrency: 1, startMs: 5, endMs: 5, trialEndsMs: [5], daemonCpuMs: 0 }), RangeError);
  });
});
