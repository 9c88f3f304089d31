import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-server';

describe('GET /api/v1/experiments/:id/pareto', () => {
  let s: TestServer;
  let id: string;
  before(async () => {
    s = await startTestServer();
    id = (await s.service.createExperiment({ trialCommand: 'true' }, s.root)).id;
    s.service.experiments.get(id)!.config.searchSpaceCost = { base: { flops: 10, params: 1 }, perChoice: { op: { big: { flops: 90, params: 9 } } } };
    const values: Array<[string, number, number | undefined]> = [['small', 0.5, undefined], ['big', 0.9, undefined], ['small', 0.4, 3], ['big', 0.8, undefined]];
    for (const [op, acc, latency] of values) {
      const t = s.service.addTrial(id, { op });
      s.service.finishTrial(id, t.id, 'SUCCEEDED', acc);
      if (latency !== undefined) t.finalMetric = { default: acc, latency };
    }
    s.service.addTrial(id, { op: 'small' }); // still waiting: no final metric, not counted
  });
  after(async () => { await s.close(); });

  const get = async (path: string) => {
    const res = await fetch(`${s.url}/api/v1${path}`);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('defaults to x=flops (from the cost model) and y=default', async () => {
    const r = await get(`/experiments/${id}/pareto`);
    assert.equal(r.status, 200);
    const front = r.json.front as Array<{ trialId: string; x: number; y: number }>;
    assert.deepEqual(front.map((p) => [p.trialId, p.x, p.y]), [['t0', 10, 0.5], ['t1', 100, 0.9]]);
    assert.deepEqual([r.json.x, r.json.y, r.json.xDirection, r.json.yDirection, r.json.considered, r.json.skipped], ['flops', 'default', 'minimize', 'maximize', 4, 0]);
  });

  it('takes any metric key; trials without it are skipped', async () => {
    const r = await get(`/experiments/${id}/pareto?x=latency&y=default`);
    assert.equal(r.status, 200);
    assert.deepEqual([r.json.considered, r.json.skipped], [1, 3]);
    assert.deepEqual((r.json.front as Array<{ trialId: string }>).map((p) => p.trialId), ['t2']);
  });

  it('rejects a bad key (400) and an unknown experiment (404)', async () => {
    const bad = await get(`/experiments/${id}/pareto?x=${encodeURIComponent('a b')}`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /query\/x/);
    assert.equal((await get(`/experiments/${id}/pareto?z=1`)).status, 400);
    assert.equal((await get('/experiments/nope/pareto')).status, 404);
  });
});
