import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containedLogPath, isInside, readLogChunk } from '../../../daemon/api/log-file-reader';
import { startTestServer, type TestServer } from './test-server';

describe('log path containment', () => {
  let outside: string;
  let s: TestServer;
  let exp = '';
  let trial = '';
  let trialDir = '';
  before(async () => {
    outside = mkdtempSync(join(tmpdir(), 'nasctl-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    s = await startTestServer();
    exp = (await s.service.createExperiment({ trialCommand: 'x' }, '/tmp')).id;
    const t = s.service.addTrial(exp, {});
    trial = t.id;
    trialDir = t.trialDir;
    writeFileSync(join(trialDir, 'stdout.log'), 'ok\n');
  });
  after(async () => {
    s.service.logPathOverride = undefined;
    await s.close();
    rmSync(outside, { recursive: true, force: true });
  });

  async function fetchLog(): Promise<{ status: number; text: string }> {
    const r = await fetch(`${s.url}/api/v1/experiments/${exp}/trials/${trial}/logs/stdout`);
    return { status: r.status, text: await r.text() };
  }

  it('isInside handles equal, nested, sibling-prefix and parent paths', () => {
    assert.equal(isInside('/a/b', '/a/b/c'), true);
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/bc'), false);
    assert.equal(isInside('/a/b', '/a'), false);
    assert.equal(isInside('/a/b', '/a/b/..c'), true);
  });

  it('refuses a path with .. that leaves the trial directory', async () => {
    s.service.logPathOverride = (dir) => join(dir, '..', '..', '..', '..', outside, 'secret.txt');
    const r = await fetchLog();
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /top secret/);
    assert.match(r.text, /outside the trial directory/);
  });

  it('refuses an absolute path elsewhere and the trial directory itself', async () => {
    s.service.logPathOverride = () => join(outside, 'secret.txt');
    assert.equal((await fetchLog()).status, 400);
    s.service.logPathOverride = (dir) => dir;
    assert.equal((await fetchLog()).status, 400);
  });

  it('refuses a symlinked file pointing outside', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(trialDir, 'evil.log'));
    s.service.logPathOverride = (dir) => join(dir, 'evil.log');
    const r = await fetchLog();
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /top secret/);
  });

  it('refuses a not-yet-existing file under a symlinked folder pointing outside', async () => {
    symlinkSync(outside, join(trialDir, 'linkdir'));
    s.service.logPathOverride = (dir) => join(dir, 'linkdir', 'nothing-yet.log');
    assert.equal((await fetchLog()).status, 400);
  });

  it('serves a symlink that stays inside the trial directory', async () => {
    mkdirSync(join(trialDir, 'sub'));
    writeFileSync(join(trialDir, 'sub', 'real.log'), 'inside\n');
    symlinkSync(join(trialDir, 'sub', 'real.log'), join(trialDir, 'good.log'));
    s.service.logPathOverride = (dir) => join(dir, 'good.log');
    const r = await fetchLog();
    assert.equal(r.status, 200);
    assert.equal(r.text, 'inside\n');
  });

  it('works when the trial directory itself is reached through a symlink', async () => {
    const linkRoot = join(outside, 'trial-link');
    symlinkSync(trialDir, linkRoot);
    assert.equal(await containedLogPath(linkRoot, join(linkRoot, 'stdout.log')), join(trialDir, 'stdout.log'));
    await assert.rejects(containedLogPath(linkRoot, join(linkRoot, '..', 'secret.txt')), /outside the trial directory/);
  });

  it('readLogChunk reads ranges and reports sizes', async () => {
    const f = join(trialDir, 'stdout.log');
    assert.deepEqual(await readLogChunk(f, 1), { data: Buffer.from('k\n'), nextOffset: 3, size: 3 });
    assert.deepEqual(await readLogChunk(null, 5), { data: Buffer.alloc(0), nextOffset: 5, size: 0 });
  });
});
