import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { ResetPayload, SubscribeAck } from '../../../daemon/live/attach-live-events';
import { startTestServer, type TestServer } from '../api/test-server';

/** Resolves with the first `count` payloads of `event`, or rejects after `ms`. */
function collect<T>(socket: Socket, event: string, count: number, ms = 3000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} "${event}" events (got ${got.length})`)), ms);
    const on = (p: T): void => {
      got.push(p);
      if (got.length === count) {
        clearTimeout(timer);
        socket.off(event, on);
        resolve(got);
      }
    };
    socket.on(event, on);
  });
}

function open(url: string, token?: string): Socket {
  return connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: token ? { token } : {} });
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

describe('live events (socket.io)', () => {
  let s: TestServer;
  let exp = '';
  const sockets: Socket[] = [];
  before(async () => {
    s = await startTestServer();
    exp = (await s.service.createExperiment({ trialCommand: 'x' }, '/tmp')).id; // seq 1
    s.service.addTrial(exp, { a: 1 }); // seq 2
    s.service.addTrial(exp, { a: 2 }); // seq 3
  });
  after(async () => {
    for (const so of sockets) so.disconnect();
    await s.close();
  });

  async function client(): Promise<Socket> {
    const so = open(s.url);
    sockets.push(so);
    await connected(so);
    return so;
  }

  it('subscribe without sinceSeq forwards live deltas of that experiment only', async () => {
    const so = await client();
    const other = (await s.service.createExperiment({ trialCommand: 'y' }, '/tmp')).id;
    const ack = (await so.emitWithAck('subscribe', { experimentId: exp })) as SubscribeAck;
    assert.deepEqual(ack, { ok: true, caughtUp: 0 });
    const got = collect<LiveDelta>(so, 'delta', 1);
    s.service.addTrial(other, {});
    s.service.addTrial(exp, { a: 3 });
    const [d] = await got;
    assert.equal(d?.experimentId, exp);
    assert.equal(d?.type, 'trial');
  });

  it('subscribe with sinceSeq sends missed deltas first, in order, then live ones', async () => {
    const so = await client();
    const before = s.service.deltaLog.get(exp)?.length ?? 0;
    const got = collect<LiveDelta>(so, 'delta', before); // before-1 missed + 1 live
    const ack = (await so.emitWithAck('subscribe', { experimentId: exp, sinceSeq: 1 })) as SubscribeAck;
    assert.deepEqual(ack, { ok: true, caughtUp: before - 1 });
    s.service.addTrial(exp, { a: 4 });
    const deltas = await got;
    assert.deepEqual(deltas.map((d) => d.seq), Array.from({ length: before }, (_, i) => i + 2));
  });

  it('sends reset when the missed deltas are no longer kept', async () => {
    const so = await client();
    s.service.forgetBefore = 3;
    try {
      const reset = collect<ResetPayload>(so, 'reset', 1);
      const ack = (await so.emitWithAck('subscribe', { experimentId: exp, sinceSeq: 0 })) as SubscribeAck;
      assert.equal(ack.ok, true);
      const [r] = await reset;
      assert.equal(r?.experimentId, exp);
      assert.match(r?.reason ?? '', /reload/);
    } finally {
      s.service.forgetBefore = 0;
    }
  });

  it('answers errors for unknown experiments and invalid payloads, naming the field', async () => {
    const so = await client();
    const unknown = (await so.emitWithAck('subscribe', { experimentId: 'nope' })) as SubscribeAck;
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.error.code, 'NOT_FOUND');
    const bad = (await so.emitWithAck('subscribe', { experimentId: exp, sinceSeq: -1 })) as SubscribeAck;
    assert.equal(!bad.ok && bad.error.code, 'BAD_REQUEST');
    assert.match(!bad.ok ? bad.error.message : '', /^payload\/sinceSeq: must be >= 0/);
  });

  it('unsubscribe stops the deltas', async () => {
    const so = await client();
    await so.emitWithAck('subscribe', { experimentId: exp });
    await so.emitWithAck('unsubscribe', { experimentId: exp });
    await so.emitWithAck('subscribe-list');
    // An experiment delta reaches the list room but no longer the experiment room.
    const list = collect<LiveDelta>(so, 'experiment-delta', 1);
    let stray = 0;
    so.on('delta', () => { stray += 1; });
    s.service.setExperimentStatus(exp, 'NO_MORE_TRIAL');
    const [d] = await list;
    assert.equal(d?.type, 'experiment');
    // A round trip after the emit proves any 'delta' would have arrived already (same ordered stream).
    await so.emitWithAck('subscribe-list');
    assert.equal(stray, 0);
  });

  it('holds one service subscription however many clients connect', () => {
    assert.equal(s.service.listenerCount(), 1);
  });
});

describe('live events token rule', () => {
  let s: TestServer;
  before(async () => { s = await startTestServer({ token: 'tok', requireToken: true }); });
  after(async () => {
    await s.close();
    assert.equal(s.service.listenerCount(), 0);
  });

  it('refuses a connection without the token', async () => {
    const so = open(s.url);
    try {
      await assert.rejects(connected(so), /requires its token/);
    } finally {
      so.disconnect();
    }
  });

  it('accepts the right token', async () => {
    const so = open(s.url, 'tok');
    try {
      await connected(so);
      const exp = (await s.service.createExperiment({ trialCommand: 'x' }, '/tmp')).id;
      const ack = (await so.emitWithAck('subscribe', { experimentId: exp, sinceSeq: 0 })) as SubscribeAck;
      assert.deepEqual(ack, { ok: true, caughtUp: 1 });
    } finally {
      so.disconnect();
    }
  });
});
