import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressFromEnv,
  addressToEnv,
  helloLine,
  parseHelloLine,
  parseSpawnRequest,
  parseSpawnerReply,
  type SpawnRequest,
} from '../../../../daemon/training/local/spawner-messages';

const REQUEST: SpawnRequest = { type: 'spawn', token: 'ab-1', shell: '/bin/sh', script: 'exit 0', cwd: '/tmp', env: { PATH: '/bin' } };

test('spawn requests survive a JSON round trip and bad ones say what is wrong', () => {
  assert.deepEqual(parseSpawnRequest(JSON.parse(JSON.stringify(REQUEST))), REQUEST);
  assert.equal(parseSpawnRequest(null), 'spawner message is not an object');
  assert.equal(parseSpawnRequest([REQUEST]), 'spawner message is not an object');
  assert.match(parseSpawnRequest({ ...REQUEST, type: 'fork' }) as string, /unknown spawner request type "fork"/);
  assert.match(parseSpawnRequest({ ...REQUEST, cwd: 3 }) as string, /"cwd" must be a string/);
  assert.match(parseSpawnRequest({ ...REQUEST, token: undefined }) as string, /"token" must be a string/);
  assert.match(parseSpawnRequest({ ...REQUEST, env: { A: 1 } }) as string, /"env" must map names to strings/);
  assert.match(parseSpawnRequest({ ...REQUEST, env: ['A=1'] }) as string, /"env"/);
});

test('spawner replies: each type is checked field by field', () => {
  assert.deepEqual(parseSpawnerReply({ type: 'spawned', token: 't', pid: 42 }), { type: 'spawned', token: 't', pid: 42 });
  assert.deepEqual(parseSpawnerReply({ type: 'spawn-failed', token: 't', message: 'ENOENT' }), { type: 'spawn-failed', token: 't', message: 'ENOENT' });
  assert.deepEqual(parseSpawnerReply({ type: 'exited', token: 't', code: 3, signal: null }), { type: 'exited', token: 't', code: 3, signal: null });
  assert.deepEqual(parseSpawnerReply({ type: 'exited', token: 't', code: null, signal: 'SIGKILL' }), { type: 'exited', token: 't', code: null, signal: 'SIGKILL' });
  assert.match(parseSpawnerReply({ type: 'spawned', token: 't', pid: 0 }) as string, /"pid" must be a positive integer/);
  assert.match(parseSpawnerReply({ type: 'spawned', token: 't', pid: 1.5 }) as string, /"pid"/);
  assert.match(parseSpawnerReply({ type: 'spawned', pid: 4 }) as string, /"token" must be a string/);
  assert.match(parseSpawnerReply({ type: 'spawn-failed', token: 't' }) as string, /"message" must be a string/);
  assert.match(parseSpawnerReply({ type: 'exited', token: 't', code: null, signal: null }) as string, /one of "code" and "signal"/);
  assert.match(parseSpawnerReply({ type: 'exited', token: 't', code: '1', signal: null }) as string, /"code" must be an integer or null/);
  assert.match(parseSpawnerReply({ type: 'exited', token: 't', code: null, signal: 9 }) as string, /"signal" must be a string or null/);
  assert.match(parseSpawnerReply({ type: 'bye', token: 't' }) as string, /unknown spawner reply type "bye"/);
  assert.equal(parseSpawnerReply('spawned'), 'spawner reply is not an object');
});

test('hello lines carry the token and nothing else is a hello', () => {
  const line = helloLine('c0ffee-17');
  assert.ok(line.endsWith('\n'));
  assert.equal(parseHelloLine(line.slice(0, -1)), 'c0ffee-17');
  assert.equal(parseHelloLine('{"type":"hello"}'), undefined);
  assert.equal(parseHelloLine(helloLine('').slice(0, -1)), undefined);
});

test('socket addresses travel through the environment: abstract names as "@name"', () => {
  assert.equal(addressToEnv('\0nasctl-1-ab'), '@nasctl-1-ab');
  assert.equal(addressFromEnv('@nasctl-1-ab'), '\0nasctl-1-ab');
  assert.equal(addressToEnv('/tmp/x.sock'), '/tmp/x.sock');
  assert.equal(addressFromEnv(addressToEnv('/tmp/x.sock')), '/tmp/x.sock');
});
