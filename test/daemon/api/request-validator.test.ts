import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './test-server';

interface Case {
  name: string;
  method: string;
  /** `{exp}` is replaced by an existing experiment id, `{trial}` by a trial id. */
  path: string;
  body?: unknown;
  /** Expected `error.path`. */
  field: string;
  /** Expected fragment of the message. */
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'create: no body', method: 'POST', path: '/experiments', field: 'body', message: /JSON body is required/ },
  { name: 'create: config missing', method: 'POST', path: '/experiments', body: {}, field: 'body/config', message: /is required/ },
  { name: 'create: config not an object', method: 'POST', path: '/experiments', body: { config: 'x.yml' }, field: 'body/config', message: /must be object/ },
  { name: 'create: baseDir a number', method: 'POST', path: '/experiments', body: { config: {}, baseDir: 3 }, field: 'body/baseDir', message: /must be string/ },
  { name: 'create: unknown field', method: 'POST', path: '/experiments', body: { config: {}, foo: 1 }, field: 'body/foo', message: /not a known field/ },
  { name: 'create: body is an array', method: 'POST', path: '/experiments', body: [1], field: 'body', message: /must be object/ },
  { name: 'patch: empty', method: 'PATCH', path: '/experiments/{exp}', body: {}, field: 'body', message: /at least one field/ },
  { name: 'patch: concurrency 0', method: 'PATCH', path: '/experiments/{exp}', body: { trialConcurrency: 0 }, field: 'body/trialConcurrency', message: /must be >= 1/ },
  { name: 'patch: concurrency fractional', method: 'PATCH', path: '/experiments/{exp}', body: { trialConcurrency: 1.5 }, field: 'body/trialConcurrency', message: /must be integer/ },
  { name: 'patch: maxTrialNumber as text', method: 'PATCH', path: '/experiments/{exp}', body: { maxTrialNumber: '10' }, field: 'body/maxTrialNumber', message: /must be integer/ },
  { name: 'patch: bad duration', method: 'PATCH', path: '/experiments/{exp}', body: { maxExperimentDuration: '2 hours' }, field: 'body/maxExperimentDuration', message: /must match pattern/ },
  { name: 'patch: not a budget field', method: 'PATCH', path: '/experiments/{exp}', body: { trialCommand: 'rm -rf /' }, field: 'body/trialCommand', message: /not a known field/ },
  { name: 'add trial: no parameters', method: 'POST', path: '/experiments/{exp}/trials', body: { params: {} }, field: 'body/parameters', message: /is required/ },
  { name: 'add trial: parameters array', method: 'POST', path: '/experiments/{exp}/trials', body: { parameters: [] }, field: 'body/parameters', message: /must be object/ },
  { name: 'trials: bad status', method: 'GET', path: '/experiments/{exp}/trials?status=RUNNING,DONE', field: 'query/status/1', message: /must be one of "WAITING"/ },
  { name: 'trials: bad sort', method: 'GET', path: '/experiments/{exp}/trials?sort=name', field: 'query/sort', message: /must be one of/ },
  { name: 'trials: bad order', method: 'GET', path: '/experiments/{exp}/trials?order=up', field: 'query/order', message: /"asc", "desc"/ },
  { name: 'trials: negative offset', method: 'GET', path: '/experiments/{exp}/trials?offset=-1', field: 'query/offset', message: /must be >= 0/ },
  { name: 'trials: limit text', method: 'GET', path: '/experiments/{exp}/trials?limit=ten', field: 'query/limit', message: /must be integer/ },
  { name: 'trials: limit 0', method: 'GET', path: '/experiments/{exp}/trials?limit=0', field: 'query/limit', message: /must be >= 1/ },
  { name: 'trials: limit twice', method: 'GET', path: '/experiments/{exp}/trials?limit=1&limit=2', field: 'query/limit', message: /given 2 times/ },
  { name: 'trials: metricMin text', method: 'GET', path: '/experiments/{exp}/trials?metricMin=high', field: 'query/metricMin', message: /must be number/ },
  { name: 'trials: min > max', method: 'GET', path: '/experiments/{exp}/trials?metricMin=2&metricMax=1', field: 'query/metricMin', message: /greater than metricMax/ },
  { name: 'trials: unknown query', method: 'GET', path: '/experiments/{exp}/trials?page=2', field: 'query/page', message: /not a known field/ },
  { name: 'export: bad format', method: 'GET', path: '/experiments/{exp}/export?format=xml', field: 'query/format', message: /"csv", "json"/ },
  { name: 'deltas: since missing', method: 'GET', path: '/experiments/{exp}/deltas', field: 'query/since', message: /is required/ },
  { name: 'deltas: since empty', method: 'GET', path: '/experiments/{exp}/deltas?since=', field: 'query/since', message: /must be integer/ },
  { name: 'logs: offset fractional', method: 'GET', path: '/experiments/{exp}/trials/{trial}/logs/stdout?offset=1.5', field: 'query/offset', message: /must be integer/ },
  { name: 'trial id with a dot', method: 'GET', path: '/experiments/{exp}/trials/..%2Fx', field: 'params/trialId', message: /not a valid trial id/ },
];

describe('request validation names the field (table)', () => {
  let s: TestServer;
  let exp = '';
  let trial = '';
  before(async () => {
    s = await startTestServer();
    exp = (await s.service.createExperiment({ trialCommand: 'x' }, '/tmp')).id;
    trial = s.service.addTrial(exp, {}).id;
  });
  after(async () => { await s.close(); });

  for (const c of CASES) {
    it(c.name, async () => {
      const init: RequestInit = { method: c.method };
      if (c.body !== undefined) {
        init.body = JSON.stringify(c.body);
        init.headers = { 'content-type': 'application/json' };
      }
      const res = await fetch(`${s.url}/api/v1${c.path.replace('{exp}', exp).replace('{trial}', trial)}`, init);
      const json = (await res.json()) as { error: { code: string; message: string; path?: string } };
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(json.error.code, 'BAD_REQUEST');
      assert.equal(json.error.path, c.field);
      assert.match(json.error.message, c.message);
      assert.ok(json.error.message.startsWith(`${c.field}: `), json.error.message);
    });
  }

  it('leaves the service untouched on invalid input', () => {
    assert.ok(!s.service.calls.some((c) => c.startsWith('update') || c.startsWith('listTrials')));
  });
});
