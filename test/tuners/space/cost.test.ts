import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundsAdmit, candidateCost, costBounds, costModelProblem, withinLimits } from '../../../tuners/space/cost';
import { sposCostModel, sposSpace } from '../contract-spaces';
import type { Candidate } from '../../../tuners/tuner';

function spos(arch: number[]): Candidate {
  const c: Candidate = {};
  arch.forEach((a, i) => (c[`LayerChoice${i + 1}`] = { _value: String(a), _idx: a }));
  return c;
}

describe('cost model', () => {
  it('reproduces the SPOS FLOPs anchors (all-0 295.8M, released arch 322.9M)', () => {
    const m = sposCostModel();
    assert.ok(Math.abs(candidateCost(spos(new Array(20).fill(0)), m).flops / 1e6 - 295.8) < 0.1);
    const released = [2, 1, 0, 1, 2, 0, 2, 0, 2, 0, 2, 3, 0, 0, 0, 0, 3, 2, 3, 3];
    assert.ok(Math.abs(candidateCost(spos(released), m).flops / 1e6 - 322.9) < 0.1);
  });

  it('bounds span the space (270.4M .. 398.6M) and tell when limits admit nothing', () => {
    const b = costBounds(sposSpace(), sposCostModel());
    assert.ok(Math.abs(b.min.flops / 1e6 - 270.4) < 0.1 && Math.abs(b.max.flops / 1e6 - 398.6) < 0.1);
    assert.equal(boundsAdmit(b, { flopsMax: 270e6 }), false);
    assert.equal(boundsAdmit(b, { flopsMin: 399e6 }), false);
    assert.equal(boundsAdmit(b, { flopsMax: 300e6 }), true);
  });

  it('withinLimits checks each set limit', () => {
    assert.equal(withinLimits({ flops: 10, params: 5 }, {}), true);
    assert.equal(withinLimits({ flops: 10, params: 5 }, { flopsMax: 9 }), false);
    assert.equal(withinLimits({ flops: 10, params: 5 }, { flopsMin: 11 }), false);
    assert.equal(withinLimits({ flops: 10, params: 5 }, { paramsMax: 4 }), false);
    assert.equal(withinLimits({ flops: 10, params: 5 }, { flopsMin: 10, flopsMax: 10, paramsMax: 5 }), true);
  });

  it('costModelProblem catches a stale model', () => {
    assert.equal(costModelProblem(sposSpace(), sposCostModel()), undefined);
    const m = sposCostModel();
    m.perChoice.LayerChoice99 = {};
    assert.match(costModelProblem(sposSpace(), m) ?? '', /LayerChoice99.*ss_gen/);
  });
});
