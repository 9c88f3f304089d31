import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paretoFront, type ObjectivePoint } from '../../../daemon/manager/pareto-front';
import { experimentPareto, objectiveValue } from '../../../daemon/manager/experiment-pareto';
import { createRng } from '../../../tuners/rng';
import type { ExperimentRecord, TrialRecord } from '../../../daemon/store/types';
import type { ExperimentConfig } from '../../../daemon/config/experiment-config';

/** O(n²) reference: every point no other point dominates, sorted by x then index. */
function bruteForce(points: readonly ObjectivePoint[], y: 'maximize' | 'minimize'): number[] {
  const better = (a: number, b: number) => (y === 'maximize' ? a > b : a < b);
  const atLeast = (a: number, b: number) => a === b || better(a, b);
  const out: number[] = [];
  points.forEach((q, i) => {
    const dominated = points.some((p, j) => j !== i && p.x <= q.x && atLeast(p.y, q.y) && (p.x < q.x || better(p.y, q.y)));
    if (!dominated) out.push(i);
  });
  return out.sort((a, b) => (points[a] as ObjectivePoint).x - (points[b] as ObjectivePoint).x || a - b);
}

describe('Pareto front sweep', () => {
  it('matches the O(n²) definition on random points, with many ties, both directions', () => {
    const rng = createRng(42);
    for (let round = 0; round < 300; round++) {
      const n = rng.int(60);
      const span = 1 + rng.int(12); // small integer grids force equal x, equal y and duplicates
      const points = Array.from({ length: n }, () => (round % 3 === 0 ? { x: rng.next(), y: rng.next() } : { x: rng.int(span), y: rng.int(span) }));
      for (const dir of ['maximize', 'minimize'] as const) assert.deepEqual(paretoFront(points, dir), bruteForce(points, dir), `round ${round} ${dir}: ${JSON.stringify(points)}`);
    }
  });

  it('keeps equal points, drops a point with equal x and worse y', () => {
    const pts = [{ x: 1, y: 5 }, { x: 1, y: 5 }, { x: 1, y: 4 }, { x: 2, y: 5 }, { x: 3, y: 6 }, { x: 0, y: 1 }];
    assert.deepEqual(paretoFront(pts, 'maximize'), [5, 0, 1, 4]);
    assert.deepEqual(paretoFront(pts, 'minimize'), [5]);
    assert.deepEqual(paretoFront([], 'maximize'), []);
  });

  it('gives a strictly increasing staircase on 200k random points', () => {
    const rng = createRng(7);
    const pts = Array.from({ length: 200_000 }, () => ({ x: rng.next(), y: rng.next() }));
    const front = paretoFront(pts, 'maximize');
    assert.ok(front.length > 0);
    for (let i = 1; i < front.length; i++) assert.ok(pts[front[i]!]!.x > pts[front[i - 1]!]!.x && pts[front[i]!]!.y > pts[front[i - 1]!]!.y);
  });
});

describe('experimentPareto', () => {
  const cost = { base: { flops: 100, params: 10 }, perChoice: { op: { conv: { flops: 50, params: 5 }, skip: { flops: 0, params: 0 } } } };
  const config = { tuner: { name: 'Random', classArgs: {} }, searchSpaceCost: cost } as unknown as ExperimentConfig;
  const rec = { id: 'e', config } as ExperimentRecord;
  const trial = (i: number, op: string, finalMetric: TrialRecord['finalMetric'], status: TrialRecord['status'] = 'SUCCEEDED'): TrialRecord =>
    ({ id: `t${i}`, sequence: i, parameters: { op }, status, finalMetric, source: 'tuner', attempt: 0, createdAt: 0, intermediateCount: 0, trialDir: '' }) as TrialRecord;

  it('reads default, dict keys, and flops/params from the cost model when not reported', () => {
    const t = trial(0, 'conv', { default: 0.8, latency: 3, flops: 7 });
    assert.equal(objectiveValue(t, 'default', cost), 0.8);
    assert.equal(objectiveValue(t, 'latency', cost), 3);
    assert.equal(objectiveValue(t, 'flops', cost), 7, 'a reported value wins over the cost model');
    assert.equal(objectiveValue(t, 'params', cost), 15);
    assert.equal(objectiveValue(trial(1, 'skip', 0.5), 'flops', cost), 100);
    assert.equal(objectiveValue(trial(1, 'skip', 0.5), 'flops', undefined), undefined);
    assert.equal(objectiveValue(trial(1, 'skip', 0.5), 'latency', cost), undefined);
    assert.equal(objectiveValue(trial(2, 'skip', undefined), 'default', cost), undefined);
  });

  it('returns the front sorted by x, counts considered and skipped trials, follows optimize_mode', () => {
    const trials = [
      trial(0, 'conv', { default: 0.9, latency: 5 }),
      trial(1, 'skip', { default: 0.7, latency: 2 }),
      trial(2, 'skip', { default: 0.6, latency: 1 }),
      trial(3, 'conv', 0.95),
      trial(4, 'skip', undefined, 'RUNNING'),
    ];
    const flops = experimentPareto(rec, trials, 'flops', 'default');
    assert.deepEqual([flops.considered, flops.skipped, flops.yDirection], [4, 0, 'maximize']);
    assert.deepEqual(flops.front.map((p) => [p.trialId, p.x, p.y]), [['t1', 100, 0.7], ['t3', 150, 0.95]]);
    const latency = experimentPareto(rec, trials, 'latency', 'default');
    assert.deepEqual([latency.considered, latency.skipped], [3, 1]);
    assert.deepEqual(latency.front.map((p) => p.trialId), ['t2', 't1', 't0']);
    const minimizing = { ...rec, config: { ...config, tuner: { name: 'Random', classArgs: { optimize_mode: 'minimize' } } } } as ExperimentRecord;
    const m = experimentPareto(minimizing, trials, 'latency', 'default');
    assert.equal(m.yDirection, 'minimize');
    assert.deepEqual(m.front.map((p) => p.trialId), ['t2']);
  });
});
