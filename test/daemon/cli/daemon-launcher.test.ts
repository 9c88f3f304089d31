import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDaemon, tailLines } from '../../../daemon/cli/daemon-launcher';
import { isProcessAlive, readLiveDaemonInfo } from '../../../daemon/cli/daemon-info';
import { cliHarness } from './cli-harness';

const FAKE_DAEMON = join(__dirname, 'fixtures', 'fake-daemon-main.js');

describe('starting and stopping a background daemon', () => {
  const temp = mkdtempSync(join(tmpdir(), 'nasctl-launch-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('create starts the daemon when daemon.json is absent, reuses it next time, daemon stop ends it', async () => {
    const h = cliHarness();
    try {
      writeFileSync(join(h.home, 'exp.yml'), 'trialCommand: run\n');
      const first = await h.run(['create', '--config', 'exp.yml'], { daemonEntry: FAKE_DAEMON });
      assert.equal(first.code, 0, first.err);
      assert.match(first.err, /started the nasctl daemon \(pid \d+, log .*daemon\.log\)/);
      assert.match(first.out, /experiment exp1 created\nweb UI: http:\/\/127\.0\.0\.1:\d+\//);
      const info = readLiveDaemonInfo(h.home);
      assert.ok(info);
      assert.match(readFileSync(join(h.home, 'daemon.log'), 'utf8'), /fake daemon listening/);
      const second = await h.run(['create', '--config', 'exp.yml', '--port', '1'], { daemonEntry: FAKE_DAEMON });
      assert.equal(second.code, 0, second.err);
      assert.match(second.out, /experiment exp2 created/);
      assert.match(second.err, /--host\/--port apply only when it starts/);
      const stop = await h.run(['daemon', 'stop']);
      assert.equal(stop.code, 0, stop.err);
      assert.equal(stop.out, `daemon (pid ${info.pid}) stopped\n`);
      assert.equal(isProcessAlive(info.pid), false);
      assert.equal(existsSync(join(h.home, 'daemon.json')), false);
    } finally {
      const info = readLiveDaemonInfo(h.home);
      if (info) process.kill(info.pid, 'SIGKILL');
      h.cleanup();
    }
  });

  it('reports the last 20 lines of daemon.log when the daemon exits during start', async () => {
    const home = join(temp, 'home-fail');
    const entry = join(temp, 'failing-daemon.js');
    writeFileSync(entry, 'for (let i = 1; i <= 25; i++) console.log("line " + i);\nconsole.error("fatal: port in use");\nprocess.exit(3);\n');
    await assert.rejects(ensureDaemon({ home, entry }), (err: Error) => {
      assert.match(err.message, /exited during start \(exit code 3\)/);
      assert.match(err.message, /line 7\n/);
      assert.doesNotMatch(err.message, /line 6\n/);
      assert.match(err.message, /fatal: port in use$/);
      return true;
    });
  });

  it('the CLI prints that failure and exits 1', async () => {
    const h = cliHarness();
    try {
      const entry = join(temp, 'failing-daemon2.js');
      writeFileSync(entry, 'console.error("cannot bind 127.0.0.1:8080"); process.exit(1);\n');
      writeFileSync(join(h.home, 'exp.yml'), 'trialCommand: run\n');
      const r = await h.run(['create', '--config', 'exp.yml'], { daemonEntry: entry });
      assert.equal(r.code, 1);
      assert.match(r.err, /^error: the nasctl daemon exited during start \(exit code 1\); last lines of .*daemon\.log:\ncannot bind 127\.0\.0\.1:8080\n$/);
    } finally {
      h.cleanup();
    }
  });

  it('gives up after the timeout when the daemon never answers, and kills it', async () => {
    const home = join(temp, 'home-silent');
    const entry = join(temp, 'silent-daemon.js');
    writeFileSync(entry, 'console.log("starting"); setInterval(() => undefined, 1000);\n');
    await assert.rejects(ensureDaemon({ home, entry, timeoutMs: 300 }), /did not answer on \/api\/v1\/health within 0.3 s[^]*starting/);
  });

  it('tailLines returns the last lines or "" for a missing file', () => {
    const f = join(temp, 't.txt');
    writeFileSync(f, 'a\nb\nc\n');
    assert.equal(tailLines(f, 2), 'b\nc');
    assert.equal(tailLines(join(temp, 'none'), 2), '');
  });
});
