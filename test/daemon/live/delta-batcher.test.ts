import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { TrialRecord } from '../../../daemon/store/types';
import type { SubscribeAck } from '../../../daemon/live/attach-live-events';
import { coalesceDeltas } from '../../../daemon/live/coalesce-deltas';
import { DeltaBatcher } from '../../../daemon/live/delta-batcher';
import { startTestServer, type TestServer } from '../api/test-server';

const trial = (id: string, status: TrialRecord['status']): TrialRecord => ({
  id, sequence: 0, parameters: {}, source: 'tuner', attempt: 0, status, createdAt: 1, intermediateCount: 0, trialDir: '/x',
} as TrialRecord);
const td = (seq: number, id: string, status: TrialRecord['status']): LiveDelta => ({ seq, experimentId: 'e', type: 'trial', trial: trial(id, status) });
const md = (seq: number, trialId: string): LiveDelta => ({ seq, experimentId: 'e', type: 'metric', metric: { trialId, seq, kind: 'intermediate', value: seq, at: 1 } });

describe('coalesceDeltas', () => {
  it('keeps the last trial delta per trial and every metric delta, in seq order', () => {
    const out = coalesceDeltas([td(1, 'a', 'WAITING'), td(2, 'b', 'WAITING'), md(3, 'a'), td(4, 'a', 'RUNNING'), md(5, 'a'), td(6, 'a', 'SUCCEEDED')]);
    assert.deepEqual(out.map((d) => d.seq), [2, 3, 5, 6]);
    assert.equal(out[3]?.type === 'trial' && out[3].trial.status, 'SUCCEEDED');
  });

  it('keeps only the last experiment delta and leaves the input alone', () => {
    const exp = (seq: number): LiveDelta => ({ seq, experimentId: 'e', type: 'experiment', experiment: { id: 'e' } as never });
    const input = [exp(1), md(2, 'a'), exp(3)];
    assert.deepEqual(coalesceDeltas(input).map((d) => d.seq), [2, 3]);
    assert.equal(input.length, 3);
  });
});

describe('DeltaBatcher', () => {
  it('sends one coalesced batch per experiment per interval', async () => {
    const got: Array<[string, number[]]> = [];
    let done!: () => void;
    const two = new Promise<void>((r) => { done = r; });
    const b = new DeltaBatcher((id, ds) => {
      got.push([id, ds.map((d) => d.seq)]);
      if (got.length === 2) done();
    }, 20);
    b.push(td(1, 'a', 'WAITING'));
    b.push(td(2, 'a', 'RUNNING'));
    b.push({ ...md(7, 'x'), experimentId: 'other' });
    b.push(md(3, 'a'));
    assert.equal(got.length, 0, 'nothing is sent before the interval ends');
    await Promise.race([two, new Promise((_, rej) => setTimeout(() => rej(new Error('no batches within 2 s')), 2000))]);
    assert.deepEqual(got.sort(), [['e', [2, 3]], ['other', [7]]]);
    b.close();
  });

  it('flush sends at once; close drops what waits', () => {
    const got: number[][] = [];
    const b = new DeltaBatcher((_id, ds) => got.push(ds.map((d) => d.seq)), 10_000);
    b.push(md(1, 'a'));
    b.flush('e');
    b.flush('e');
    b.push(md(2, 'a'));
    b.close();
    assert.deepEqual(got, [[1]]);
  });
});

describe('batched live events (subscribe with batch: true)', () => {
  let s: TestServer;
  let exp = '';
  const sockets: Socket[] = [];
  before(async () => {
    s = await startTestServer();
    exp = (await s.service.createExperiment({ trialCommand: 'x' }, '/tmp')).id;
    s.service.addTrial(exp, { a: 1 });
  });
  after(async () => {
    for (const so of sockets) so.disconnect();
    await s.close();
  });

  async function client(): Promise<Socket> {
    const so = connect(s.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(so);
    await new Promise<void>((resolve, reject) => {
      so.once('connect', () => resolve());
      so.once('connect_error', reject);
    });
    return so;
  }

  function subscribe(so: Socket, payload: object): Promise<SubscribeAck> {
    return new Promise((resolve) => so.emit('subscribe', payload, resolve));
  }

  it('catch-up comes as one array; later changes as few batched arrays, while plain clients still get one delta each', async () => {
    const batched = await client();
    const plain = await client();
    const arrays: LiveDelta[][] = [];
    const singles: LiveDelta[] = [];
    batched.on('deltas', (ds: LiveDelta[]) => arrays.push(ds));
    batched.on('delta', () => assert.fail('a batched client must not get single deltas'));
    plain.on('delta', (d: LiveDelta) => singles.push(d));
    const ack = await subscribe(batched, { experimentId: exp, sinceSeq: 0, batch: true });
    assert.deepEqual(ack, { ok: true, caughtUp: 2 });
    assert.deepEqual((await subscribe(plain, { experimentId: exp })).ok, true);
    for (let i = 0; i < 5; i++) s.service.addTrial(exp, { a: 10 + i });
    const deadline = Date.now() + 3000;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const seen = arrays.flat().map((d) => d.seq);
        if (seen.includes(7) && singles.length === 5) resolve();
        else if (Date.now() > deadline) reject(new Error(`timed out: batched saw ${JSON.stringify(seen)}, plain ${singles.length}`));
        else setImmediate(check);
      };
      check();
    });
    assert.deepEqual(arrays[0]?.map((d) => d.seq), [1, 2], 'catch-up first, as one array');
    assert.ok(arrays.length <= 3, `5 quick changes arrive in at most 2 batches after the catch-up, got ${arrays.length - 1}`);
    assert.deepEqual(arrays.slice(1).flat().map((d) => d.seq), [3, 4, 5, 6, 7]);
  });

  it('rejects a non-boolean batch, naming the field', async () => {
    const so = await client();
    const ack = await subscribe(so, { experimentId: exp, batch: 'yes' });
    assert.equal(ack.ok, false);
    assert.match(ack.ok ? '' : ack.error.message, /payload\/batch/);
  });
});
