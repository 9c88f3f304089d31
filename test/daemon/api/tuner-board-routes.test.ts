import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-server';

describe('GET /api/v1/experiments/:id/tuner-board', () => {
  let s: TestServer;
  let id: string;
  let other: string;
  before(async () => {
    s = await startTestServer();
    id = (await s.service.createExperiment({ trialCommand: 'true' }, s.root)).id;
    const config = s.service.experiments.get(id)!.config;
    config.tuner = { name: 'PrioritizedPath', classArgs: { boardSize: 2, accGap: 5 } };
    config.searchSpace = { op: { _type: 'choice', _value: ['small', 'big'] }, w: { _type: 'choice', _value: [1, 2, 3] } };
    config.searchSpaceCost = { base: { flops: 10, params: 1 }, perChoice: { op: { big: { flops: 90, params: 9 } } } };
    // Sequence order: 70 (admitted), 72 (admitted), 74 (beats the worst 70 but not by 5, and has more FLOPs: refused),
    // 71 (beats the worst 70 with fewer FLOPs: admitted, 70 dropped), then a running trial (no metric).
    const finished: Array<[string, number, number]> = [['big', 1, 70], ['small', 1, 72], ['big', 2, 74], ['small', 3, 71]];
    for (const [op, w, acc] of finished) {
      const t = s.service.addTrial(id, { op, w });
      s.service.finishTrial(id, t.id, 'SUCCEEDED', acc);
    }
    s.service.addTrial(id, { op: 'small', w: 2 });
    other = (await s.service.createExperiment({ trialCommand: 'true' }, s.root)).id;
  });
  after(async () => { await s.close(); });

  it('rebuilds the board from the history with the experiment classArgs and cost model', async () => {
    const res = await fetch(`${s.url}/api/v1/experiments/${id}/tuner-board`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { tuner: string; boardSize: number; considered: number; entries: Array<{ trialId: string; metric: number; flops: number; addedAt?: number }> };
    assert.equal(body.tuner, 'PrioritizedPath');
    assert.equal(body.boardSize, 2);
    assert.equal(body.considered, 4);
    for (const e of body.entries) {
      assert.equal(e.addedAt, s.service.listTrials(id, { limit: 100 }).items.find((t) => t.id === e.trialId)?.endedAt, `${e.trialId} added when it ended`);
    }
    assert.deepEqual(body.entries.map((e) => [e.trialId, e.metric, e.flops]), [['t1', 72, 10], ['t3', 71, 10]]);
  });

  it('answers 404 with the reason for another tuner or an unknown experiment', async () => {
    const res = await fetch(`${s.url}/api/v1/experiments/${other}/tuner-board`);
    assert.equal(res.status, 404);
    assert.match(JSON.stringify(await res.json()), /only PrioritizedPath keeps a board/);
    assert.equal((await fetch(`${s.url}/api/v1/experiments/nope/tuner-board`)).status, 404);
  });
});
