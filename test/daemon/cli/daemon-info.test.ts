import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonInfoPath, isProcessAlive, readDaemonInfo, readLiveDaemonInfo, removeDaemonInfo, writeDaemonInfo, type DaemonInfo } from '../../../daemon/cli/daemon-info';

describe('daemon.json helpers', () => {
  const root = mkdtempSync(join(tmpdir(), 'nasctl-info-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const info: DaemonInfo = { pid: process.pid, host: '127.0.0.1', port: 8080, token: 'abc', startedAt: 1, version: '0.1.0' };

  it('writes with mode 0600 (creating the home) and reads it back', () => {
    const home = join(root, 'a', 'home');
    writeDaemonInfo(home, info);
    assert.equal(statSync(daemonInfoPath(home)).mode & 0o777, 0o600);
    assert.deepEqual(readDaemonInfo(home), info);
    assert.deepEqual(readLiveDaemonInfo(home), info);
  });

  it('absent, malformed or incomplete files read as null', () => {
    const home = join(root, 'b');
    assert.equal(readDaemonInfo(home), null);
    writeDaemonInfo(home, info);
    writeFileSync(daemonInfoPath(home), '{"pid": 1');
    assert.equal(readDaemonInfo(home), null);
    writeFileSync(daemonInfoPath(home), JSON.stringify({ ...info, port: 'x' }));
    assert.equal(readDaemonInfo(home), null);
  });

  it('a dead pid is stale: read, but not live', () => {
    const home = join(root, 'c');
    const dead = { ...info, pid: 2 ** 22 + 4321 };
    writeDaemonInfo(home, dead);
    assert.equal(isProcessAlive(dead.pid), false);
    assert.deepEqual(readDaemonInfo(home), dead);
    assert.equal(readLiveDaemonInfo(home), null);
  });

  it('remove with a pid keeps another daemon\'s file', () => {
    const home = join(root, 'd');
    writeDaemonInfo(home, info);
    removeDaemonInfo(home, info.pid + 1);
    assert.ok(existsSync(daemonInfoPath(home)));
    removeDaemonInfo(home, info.pid);
    assert.ok(!existsSync(daemonInfoPath(home)));
    removeDaemonInfo(home);
  });
});
