import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { DaemonHandle } from '../../../daemon/cli/daemon-handle';
import { foregroundOutcome } from '../../../daemon/cli/foreground-run';
import { startTestServer, type TestServer } from '../api/test-server';
import { cliHarness, type CliHarness } from './cli-harness';
import type { FakeExperimentService } from '../api/fake-experiment-service';

/** Runs `script` on the fake service once the experiment exists (reacting to its creation delta). */
function onCreated(service: FakeExperimentService, script: (id: string) => void): void {
  const off = service.subscribe((d: LiveDelta) => {
    if (d.type === 'experiment' && d.experiment.status === 'RUNNING') {
      off();
      setImmediate(() => script(d.experimentId));
    }
  });
}

describe('create --foreground', () => {
  let s: TestServer | undefined;
  let h: CliHarness | undefined;
  let closed = 0;
  afterEach(async () => {
    await s?.close();
    h?.cleanup();
  });

  async function setup(): Promise<{ s: TestServer; h: CliHarness; startDaemon: () => Promise<DaemonHandle> }> {
    s = await startTestServer();
    h = cliHarness();
    writeFileSync(join(h.home, 'exp.yml'), 'trialCommand: run\n');
    const server = s;
    closed = 0;
    const startDaemon = async (): Promise<DaemonHandle> => ({
      host: server.host, port: server.port, token: 't', service: server.service,
      close: async () => { closed += 1; },
    });
    return { s: server, h, startDaemon };
  }

  it('prints one line per ended trial and exits 0 on DONE', async () => {
    const { s: srv, h: cli, startDaemon } = await setup();
    onCreated(srv.service, (id) => {
      const a = srv.service.addTrial(id, { x: 1 });
      srv.service.finishTrial(id, a.id, 'SUCCEEDED', 0.5);
      const b = srv.service.addTrial(id, { x: 2 });
      srv.service.finishTrial(id, b.id, 'FAILED');
      srv.service.setExperimentStatus(id, 'DONE');
    });
    const r = await cli.run(['create', '--config', 'exp.yml', '--foreground'], { startDaemon, interrupted: () => new Promise(() => undefined) });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /experiment exp1 running in the foreground; web UI: http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(r.out, /trial t0 #0 SUCCEEDED metric 0.5\ntrial t1 #1 FAILED\n/);
    assert.match(r.out, /experiment exp1 DONE; best metric 0.5/);
    assert.equal(closed, 1);
  });

  it('exits 1 and prints the error on ERROR', async () => {
    const { s: srv, h: cli, startDaemon } = await setup();
    onCreated(srv.service, (id) => srv.service.setExperimentStatus(id, 'ERROR', 'tuner crashed: boom'));
    const r = await cli.run(['create', '--config', 'exp.yml', '--foreground'], { startDaemon, interrupted: () => new Promise(() => undefined) });
    assert.equal(r.code, 1);
    assert.match(r.err, /error: tuner crashed: boom/);
    assert.equal(closed, 1);
  });

  it('exits 0 when no trial is left after NO_MORE_TRIAL', async () => {
    const { s: srv, h: cli, startDaemon } = await setup();
    onCreated(srv.service, (id) => srv.service.setExperimentStatus(id, 'NO_MORE_TRIAL'));
    const r = await cli.run(['create', '--config', 'exp.yml', '--foreground'], { startDaemon, interrupted: () => new Promise(() => undefined) });
    assert.equal(r.code, 0, r.err);
  });

  it('Ctrl-C stops the experiment and exits 130', async () => {
    const { s: srv, h: cli, startDaemon } = await setup();
    let interrupt: () => void = () => undefined;
    const interrupted = new Promise<void>((r) => { interrupt = r; });
    onCreated(srv.service, (id) => { srv.service.addTrial(id, {}); interrupt(); });
    const r = await cli.run(['create', '--config', 'exp.yml', '--foreground'], { startDaemon, interrupted: () => interrupted });
    assert.equal(r.code, 130);
    assert.match(r.err, /interrupted: stopping/);
    assert.equal(srv.service.experiments.get('exp1')?.status, 'STOPPED');
    assert.equal(closed, 1);
  });

  it('closes the daemon and exits 2 when the config is rejected', async () => {
    const { h: cli, startDaemon } = await setup();
    writeFileSync(join(cli.home, 'bad.yml'), 'x: 1\n');
    const r = await cli.run(['create', '--config', 'bad.yml', '--foreground'], { startDaemon });
    assert.equal(r.code, 2);
    assert.match(r.err, /error: \/trialCommand: is required/);
    assert.equal(closed, 1);
  });

  it('refuses when a background daemon already runs for the home', async () => {
    s = await startTestServer();
    h = cliHarness(s);
    writeFileSync(join(h.home, 'exp.yml'), 'trialCommand: run\n');
    const r = await h.run(['create', '--config', 'exp.yml', '--foreground'], { startDaemon: async () => { throw new Error('must not start'); } });
    assert.equal(r.code, 2);
    assert.match(r.err, /already runs for .*nasctl daemon stop/);
  });
});

describe('foregroundOutcome', () => {
  it('maps statuses to exit codes', () => {
    const counts = { WAITING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, USER_CANCELED: 0, SYS_CANCELED: 0, EARLY_STOPPED: 0 };
    const d = (status: 'RUNNING' | 'NO_MORE_TRIAL' | 'DONE' | 'STOPPED' | 'ERROR', running = 0) =>
      ({ status, trialCounts: { ...counts, RUNNING: running } }) as unknown as Parameters<typeof foregroundOutcome>[0];
    assert.equal(foregroundOutcome(d('RUNNING')), null);
    assert.equal(foregroundOutcome(d('NO_MORE_TRIAL', 1)), null);
    assert.equal(foregroundOutcome(d('NO_MORE_TRIAL')), 0);
    assert.equal(foregroundOutcome(d('DONE')), 0);
    assert.equal(foregroundOutcome(d('STOPPED')), 0);
    assert.equal(foregroundOutcome(d('ERROR')), 1);
  });
});
