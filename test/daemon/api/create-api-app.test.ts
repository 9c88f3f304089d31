import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './test-server';
import { createApiApp } from '../../../daemon/api/create-api-app';

interface Json { [key: string]: unknown }

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; text: string; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json: Json = {};
  try { json = JSON.parse(text) as Json; } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

describe('REST API routes against the fake service', () => {
  let s: TestServer;
  let api: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;
  let expId: string;
  before(async () => {
    s = await startTestServer({ version: '9.9.9' });
    api = (m, p, b) => call(`${s.url}/api/v1`, m, p, b);
  });
  after(async () => { await s.close(); });

  it('GET /health answers ok, version and pid', async () => {
    const r = await api('GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true, version: '9.9.9', pid: process.pid });
  });

  it('POST /experiments creates (201), with baseDir defaulting to the daemon cwd', async () => {
    const r = await api('POST', '/experiments', { config: { trialCommand: 'echo hi', experimentName: 'a' }, baseDir: '/tmp/x' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json.notices, ['fake notice']);
    expId = String(r.json.id);
    assert.equal(s.service.calls.at(-1), 'create /tmp/x');
    const r2 = await api('POST', '/experiments', { config: { trialCommand: 'b' } });
    assert.equal(r2.status, 201);
    assert.equal(s.service.calls.at(-1), `create ${process.cwd()}`);
  });

  it('service ConfigError becomes 400 with code and path', async () => {
    const r = await api('POST', '/experiments', { config: {} });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { error: { code: 'INVALID_CONFIG', message: '/trialCommand: is required; set the command that runs one trial', path: '/trialCommand' } });
  });

  it('GET /experiments lists and GET /experiments/:id shows detail', async () => {
    const list = await api('GET', '/experiments');
    assert.equal(list.status, 200);
    assert.ok((list.json.experiments as Json[]).some((e) => e.id === expId));
    const one = await api('GET', `/experiments/${expId}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.name, 'a');
    assert.deepEqual(one.json.waitReasons, ['trialConcurrency 1 reached']);
  });

  it('unknown experiment is 404 with NOT_FOUND; bad id is 400 naming params/id', async () => {
    const r = await api('GET', '/experiments/nope');
    assert.equal(r.status, 404);
    assert.equal((r.json.error as Json).code, 'NOT_FOUND');
    const bad = await api('GET', '/experiments/a.b');
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as Json).path, 'params/id');
  });

  it('PATCH updates budgets', async () => {
    const r = await api('PATCH', `/experiments/${expId}`, { trialConcurrency: 3, maxExperimentDuration: '2h' });
    assert.equal(r.status, 200);
    assert.equal(s.service.calls.at(-1), `update ${expId} {"trialConcurrency":3,"maxExperimentDuration":"2h"}`);
  });

  it('stop, stop again (409), resume, view, with detail bodies', async () => {
    const stop = await api('POST', `/experiments/${expId}/stop`);
    assert.equal(stop.status, 200);
    assert.equal(stop.json.status, 'STOPPED');
    const again = await api('POST', `/experiments/${expId}/stop`);
    assert.equal(again.status, 409);
    assert.equal((again.json.error as Json).code, 'CONFLICT');
    const resume = await api('POST', `/experiments/${expId}/resume`);
    assert.equal(resume.json.status, 'RUNNING');
    const view = await api('POST', `/experiments/${expId}/view`);
    assert.equal(view.status, 200);
    assert.equal(view.json.readOnly, true);
  });

  it('trials: add (201), list with filters, show, kill, kill again (409), retry', async () => {
    const add = await api('POST', `/experiments/${expId}/trials`, { parameters: { lr: 0.1 } });
    assert.equal(add.status, 201);
    const tid = String(add.json.id);
    await api('POST', `/experiments/${expId}/trials`, { parameters: { lr: 0.2 } });
    const list = await api('GET', `/experiments/${expId}/trials?status=WAITING,RUNNING&sort=sequence&order=asc&offset=0&limit=1&metricMin=0&metricMax=1&search=t`);
    assert.equal(list.status, 200);
    assert.equal(list.json.total, 2);
    assert.equal((list.json.items as Json[]).length, 1);
    assert.equal(s.service.calls.at(-1), `listTrials ${expId} {"status":["WAITING","RUNNING"],"sort":"sequence","order":"asc","offset":0,"limit":1,"metricMin":0,"metricMax":1,"search":"t"}`);
    const show = await api('GET', `/experiments/${expId}/trials/${tid}`);
    assert.equal((show.json.trial as Json).id, tid);
    const kill = await api('POST', `/experiments/${expId}/trials/${tid}/kill`);
    assert.equal(kill.status, 200);
    assert.equal(kill.json.status, 'USER_CANCELED');
    const again = await api('POST', `/experiments/${expId}/trials/${tid}/kill`);
    assert.equal(again.status, 409);
    assert.equal((again.json.error as Json).code, 'INVALID_TRANSITION');
    const retry = await api('POST', `/experiments/${expId}/trials/${tid}/retry`);
    assert.equal(retry.status, 201);
    assert.equal(retry.json.retryOf, tid);
    const missing = await api('GET', `/experiments/${expId}/trials/zzz`);
    assert.equal(missing.status, 404);
  });

  it('trials: sortParam / sortMetric reach the service; bad keys and both at once are 400 naming the field', async () => {
    const byParam = await api('GET', `/experiments/${expId}/trials?sortParam=layer3&order=desc&limit=5`);
    assert.equal(byParam.status, 200);
    assert.equal(s.service.calls.at(-1), `listTrials ${expId} {"sortParam":"layer3","order":"desc","limit":5}`);
    const byMetric = await api('GET', `/experiments/${expId}/trials?sortMetric=flops`);
    assert.equal(byMetric.status, 200);
    assert.equal(s.service.calls.at(-1), `listTrials ${expId} {"sortMetric":"flops"}`);
    const both = await api('GET', `/experiments/${expId}/trials?sortParam=a&sortMetric=b`);
    assert.equal(both.status, 400);
    assert.equal((both.json.error as Json).path, 'query/sortMetric');
    const quote = await api('GET', `/experiments/${expId}/trials?sortParam=${encodeURIComponent('a"b')}`);
    assert.equal(quote.status, 400);
    assert.equal((quote.json.error as Json).path, 'query/sortParam');
  });

  it('charts: every trial as columns; unknown or bad query fields are 400 naming the field', async () => {
    const charts = await api('GET', `/experiments/${expId}/charts?sample=10`);
    assert.equal(charts.status, 200);
    const all = s.service.listTrials(expId, { sort: 'sequence', order: 'asc', limit: 10_000 }).items;
    assert.deepEqual(charts.json.id, all.map((t) => t.id));
    assert.equal((charts.json.final as unknown[]).length, all.length);
    const bad = await api('GET', `/experiments/${expId}/charts?sample=-1`);
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as Json).path, 'query/sample');
    const unknown = await api('GET', `/experiments/${expId}/charts?x=1`);
    assert.equal(unknown.status, 400);
    assert.equal((await api('GET', '/experiments/nope/charts')).status, 404);
  });

  it('metrics of a trial and latest metrics', async () => {
    const add = await api('POST', `/experiments/${expId}/trials`, { parameters: { lr: 0.3 } });
    s.service.finishTrial(expId, String(add.json.id), 'SUCCEEDED', 0.75);
    const m = await api('GET', `/experiments/${expId}/trials/${String(add.json.id)}/metrics`);
    assert.equal((m.json.metrics as Json[])[0]?.value, 0.75);
    const latest = await api('GET', `/experiments/${expId}/metrics/latest`);
    assert.equal((latest.json.metrics as Json[]).length, 1);
  });

  it('export as csv and json with attachment headers', async () => {
    const csv = await api('GET', `/experiments/${expId}/export?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', new RegExp(`${expId}\\.csv`));
    assert.match(csv.text, /^id,status,metric\n/);
    const json = await api('GET', `/experiments/${expId}/export`);
    assert.ok(Array.isArray(JSON.parse(json.text)));
  });

  it('deltas since a seq, and reset when forgotten', async () => {
    const r = await api('GET', `/experiments/${expId}/deltas?since=2`);
    assert.equal(r.status, 200);
    assert.equal(r.json.reset, false);
    const deltas = r.json.deltas as Json[];
    assert.ok(deltas.length > 0);
    assert.equal(deltas[0]?.seq, 3);
    s.service.forgetBefore = 5;
    const gone = await api('GET', `/experiments/${expId}/deltas?since=1`);
    assert.deepEqual(gone.json, { reset: true, deltas: [] });
    s.service.forgetBefore = 0;
  });

  it('logs: whole file, offset tailing with X-Next-Offset, absent file, bad name', async () => {
    const add = await api('POST', `/experiments/${expId}/trials`, { parameters: {} });
    const tid = String(add.json.id);
    const dir = s.service.getTrial(expId, tid).trial.trialDir;
    writeFileSync(join(dir, 'stdout.log'), 'hello\nworld\n');
    const all = await api('GET', `/experiments/${expId}/trials/${tid}/logs/stdout`);
    assert.equal(all.status, 200);
    assert.equal(all.text, 'hello\nworld\n');
    assert.equal(all.headers.get('x-next-offset'), '12');
    const tail = await api('GET', `/experiments/${expId}/trials/${tid}/logs/stdout?offset=6`);
    assert.equal(tail.text, 'world\n');
    const past = await api('GET', `/experiments/${expId}/trials/${tid}/logs/stdout?offset=100`);
    assert.equal(past.text, '');
    assert.equal(past.headers.get('x-next-offset'), '12');
    const none = await api('GET', `/experiments/${expId}/trials/${tid}/logs/stderr`);
    assert.equal(none.status, 200);
    assert.equal(none.text, '');
    assert.equal(none.headers.get('x-next-offset'), '0');
    const bad = await api('GET', `/experiments/${expId}/trials/${tid}/logs/passwd`);
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as Json).path, 'params/name');
  });

  it('DELETE removes the experiment', async () => {
    const r = await api('DELETE', `/experiments/${expId}`);
    assert.deepEqual(r.json, { deleted: expId });
    assert.equal((await api('GET', `/experiments/${expId}`)).status, 404);
  });

  it('malformed JSON is 400 naming the problem; unknown route 404; unexpected error 500 logged', async () => {
    const bad = await call(`${s.url}/api/v1`, 'POST', '/experiments', '{"config": ');
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as Json).code, 'BAD_REQUEST');
    assert.match(String((bad.json.error as Json).message), /malformed JSON/);
    const nf = await api('GET', '/nothing/here');
    assert.equal(nf.status, 404);
    assert.match(String((nf.json.error as Json).message), /no API route GET \/api\/v1\/nothing\/here/);
    const orig = s.service.listExperiments;
    s.service.listExperiments = () => { throw new TypeError('secret internals'); };
    try {
      const boom = await api('GET', '/experiments');
      assert.equal(boom.status, 500);
      assert.equal((boom.json.error as Json).code, 'INTERNAL');
      assert.doesNotMatch(boom.text, /secret internals/);
      assert.match(s.logLines.at(-1) ?? '', /secret internals/);
    } finally {
      s.service.listExperiments = orig;
    }
  });

  it('serves the placeholder page at /', async () => {
    const r = await fetch(`${s.url}/`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /web UI is coming/);
  });
});

describe('REST API token auth and static UI', () => {
  let s: TestServer;
  let staticDir: string;
  before(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'nasctl-static-'));
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), '<html>the real ui</html>');
    s = await startTestServer({ token: 's3cret', requireToken: true, staticDir });
  });
  after(async () => {
    await s.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('rejects requests without or with a wrong token (401)', async () => {
    const none = await call(s.url, 'GET', '/api/v1/health');
    assert.equal(none.status, 401);
    assert.equal((none.json.error as Json).code, 'UNAUTHORIZED');
    const wrong = await call(s.url, 'GET', '/api/v1/health', undefined, { authorization: 'Bearer s3creT' });
    assert.equal(wrong.status, 401);
    const query = await call(s.url, 'GET', '/api/v1/health?token=s3cret');
    assert.equal(query.status, 401, 'API routes accept only the header');
  });

  it('accepts the right bearer token', async () => {
    const ok = await call(s.url, 'GET', '/api/v1/health', undefined, { authorization: 'Bearer s3cret' });
    assert.equal(ok.status, 200);
  });

  it('serves the static UI with ?token= for browsers', async () => {
    assert.equal((await fetch(`${s.url}/`)).status, 401);
    const r = await fetch(`${s.url}/?token=s3cret`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '<html>the real ui</html>');
  });

  it('refuses to build without a token when one is required', async () => {
    assert.throws(() => createApiApp(s.service, { requireToken: true }), /no token/);
  });
});
