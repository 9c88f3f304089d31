import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../api/test-server';
import { cliHarness, type CliHarness } from './cli-harness';

describe('nasctl CLI against a fake-backed daemon', () => {
  let s: TestServer;
  let h: CliHarness;
  let exp = '';
  before(async () => {
    s = await startTestServer();
    h = cliHarness(s);
  });
  after(async () => {
    await s.close();
    h.cleanup();
  });

  it('experiment list with no experiments says how to create one', async () => {
    const r = await h.run(['experiment', 'list']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /no experiments yet/);
  });

  it('create --config sends the parsed YAML with the file\'s folder as baseDir', async () => {
    mkdirSync(join(h.home, 'cfg'));
    writeFileSync(join(h.home, 'cfg', 'exp.yml'), 'experimentName: mnist\ntrialCommand: python3 trial.py\n');
    const r = await h.run(['create', '--config', 'cfg/exp.yml']);
    assert.equal(r.code, 0, r.err);
    const m = /experiment (\S+) created/.exec(r.out);
    assert.ok(m, r.out);
    exp = m[1] ?? '';
    assert.match(r.out, new RegExp(`web UI: ${s.url}/`));
    assert.match(r.err, /notice: fake notice/);
    assert.equal(s.service.calls.at(-1), `create ${join(h.home, 'cfg')}`);
    assert.equal(s.service.experiments.get(exp)?.name, 'mnist');
  });

  it('create prints the daemon\'s validation error and exits 2', async () => {
    writeFileSync(join(h.home, 'bad.yml'), 'experimentName: x\n');
    const r = await h.run(['create', '--config', join(h.home, 'bad.yml')]);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'error: /trialCommand: is required; set the command that runs one trial\n');
  });

  it('create refuses unreadable, invalid or non-mapping config files (exit 2, naming --config)', async () => {
    let r = await h.run(['create', '--config', 'missing.yml']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error: --config: cannot read .*missing\.yml: ENOENT/);
    writeFileSync(join(h.home, 'broken.yml'), 'a: [1, 2\n');
    r = await h.run(['create', '--config', 'broken.yml']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--config: .*not valid YAML/);
    writeFileSync(join(h.home, 'list.yml'), '- 1\n- 2\n');
    r = await h.run(['create', '--config', 'list.yml']);
    assert.equal(r.code, 2);
    assert.match(r.err, /must hold a mapping/);
  });

  it('experiment list and show print the table and the details', async () => {
    s.service.addTrial(exp, { lr: 0.1 });
    s.service.finishTrial(exp, 't0', 'SUCCEEDED', 0.875);
    s.service.addTrial(exp, { lr: 0.2 });
    const list = await h.run(['experiment', 'list']);
    assert.equal(list.code, 0);
    const lines = list.out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+NAME\s+STATUS\s+TRIALS\s+BEST\s+CREATED$/);
    assert.match(lines[1] ?? '', new RegExp(`^${exp}\\s+mnist\\s+RUNNING\\s+1/2\\s+0.875\\s`));
    assert.equal(lines[0]?.indexOf('NAME'), lines[1]?.indexOf('mnist'), 'columns aligned');
    assert.equal(lines.at(-1), '1 experiment: 1 RUNNING');
    const show = await h.run(['experiment', 'show', exp]);
    assert.equal(show.code, 0);
    assert.match(show.out, /status: +RUNNING/);
    assert.match(show.out, /budgets: +concurrency 1, max trials unlimited/);
    assert.match(show.out, /trials: +2 \(1 WAITING, 1 SUCCEEDED\)/);
    assert.match(show.out, /best metric: +0.875/);
    assert.match(show.out, /waiting because:\n +- trialConcurrency 1 reached/);
  });

  it('unknown ids print the daemon\'s 404 message and exit 2', async () => {
    const r = await h.run(['experiment', 'show', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error: experiment nope not found; run "nasctl experiment list"/);
  });

  it('update sends the budget; bad values name the option (exit 2)', async () => {
    const r = await h.run(['update', exp, '--concurrency', '3', '--max-trial-number', '50', '--duration', '2h']);
    assert.equal(r.code, 0, r.err);
    assert.equal(s.service.calls.at(-1), `update ${exp} {"trialConcurrency":3,"maxTrialNumber":50,"maxExperimentDuration":"2h"}`);
    assert.match(r.out, /concurrency 3, max trials 50, max duration 2h/);
    for (const [args, pattern] of [
      [['--concurrency', 'abc'], /option '--concurrency <n>' argument 'abc' is invalid/],
      [['--max-trial-number', '0'], /option '--max-trial-number <n>' argument '0' is invalid/],
      [['--duration', '2 hours'], /option '--duration <d>' argument '2 hours' is invalid.*unit s, m, h or d/],
      [[], /--concurrency: nothing to update/],
      [['--bogus'], /unknown option '--bogus'/],
    ] as Array<[string[], RegExp]>) {
      const bad = await h.run(['update', exp, ...args]);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.err}`);
      assert.match(bad.err, pattern);
    }
  });

  it('trial ls filters and prints an aligned table with counts; bad filters exit 2', async () => {
    const r = await h.run(['trial', 'ls', exp, '--status', 'succeeded,waiting', '--limit', '5', '--sort', 'metric', '--order', 'desc']);
    assert.equal(r.code, 0, r.err);
    const call = JSON.parse((s.service.calls.at(-1) ?? '').replace(/^listTrials \S+ /, '')) as unknown;
    assert.deepEqual(call, { status: ['SUCCEEDED', 'WAITING'], sort: 'finalMetric', order: 'desc', limit: 5 });
    assert.match(r.out, /^ID\s+SEQ\s+STATUS\s+METRIC\s+DURATION\s+REASON\s+PARAMETERS/);
    assert.match(r.out, /t0\s+0\s+SUCCEEDED\s+0.875/);
    assert.match(r.out, /lr=0.2/);
    assert.match(r.out, /2 of 2 matching trials; experiment \S+: 1 WAITING, 1 SUCCEEDED/);
    for (const [args, pattern] of [
      [['--status', 'DONE'], /"DONE" is not a trial status/],
      [['--sort', 'name'], /"name" is not a sort key/],
      [['--order', 'up'], /argument 'up' is invalid. Allowed choices are asc, desc/],
      [['--limit', '-3'], /--limit/],
    ] as Array<[string[], RegExp]>) {
      const bad = await h.run(['trial', 'ls', exp, ...args]);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.err}`);
      assert.match(bad.err, pattern);
    }
    const missing = await h.run(['trial', 'ls']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /missing required argument 'id'/);
  });

  it('trial kill and retry; killing an ended trial exits 2 with the reason', async () => {
    const k = await h.run(['trial', 'kill', exp, 't1']);
    assert.equal(k.code, 0, k.err);
    assert.equal(k.out, 'trial t1 USER_CANCELED\n');
    const again = await h.run(['trial', 'kill', exp, 't1']);
    assert.equal(again.code, 2);
    assert.match(again.err, /already ended \(USER_CANCELED\)/);
    const retry = await h.run(['trial', 'retry', exp, 't1']);
    assert.equal(retry.code, 0, retry.err);
    assert.match(retry.out, /trial t2 created \(retry of t1, attempt 1\), WAITING/);
  });

  it('experiment export to stdout and to a file', async () => {
    const csv = await h.run(['experiment', 'export', exp, '--format', 'csv']);
    assert.equal(csv.code, 0);
    assert.match(csv.out, /^id,status,metric\nt0,SUCCEEDED,0.875\n/);
    const file = await h.run(['experiment', 'export', exp, '-o', 'out.json']);
    assert.equal(file.code, 0);
    assert.equal(JSON.parse(readFileSync(join(h.home, 'out.json'), 'utf8'))[0].id, 't0');
    const bad = await h.run(['experiment', 'export', exp, '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Allowed choices are csv, json/);
  });

  it('log trial prints a log; --stderr picks stderr', async () => {
    const dir = s.service.getTrial(exp, 't0').trial.trialDir;
    writeFileSync(join(dir, 'stdout.log'), 'epoch 1\n');
    writeFileSync(join(dir, 'stderr.log'), 'warning\n');
    assert.equal((await h.run(['log', 'trial', exp, 't0'])).out, 'epoch 1\n');
    assert.equal((await h.run(['log', 'trial', exp, 't0', '--stderr'])).out, 'warning\n');
  });

  it('log trial --follow prints appended output until the trial ends (socket.io driven)', async () => {
    const t = s.service.addTrial(exp, { lr: 0.5 });
    t.status = 'RUNNING';
    writeFileSync(join(t.trialDir, 'stdout.log'), 'first\n');
    const room = `experiment:${exp}`;
    const joined = new Promise<void>((r) => {
      const on = (name: string): void => { if (name === room) { s.live.io.sockets.adapter.off('join-room', on); r(); } };
      s.live.io.sockets.adapter.on('join-room', on);
    });
    let sawFirst: () => void = () => undefined;
    const firstSeen = new Promise<void>((r) => { sawFirst = r; });
    const run = h.run(['log', 'trial', exp, t.id, '--follow'], { onStdout: (all) => { if (all.includes('first')) sawFirst(); } });
    await firstSeen;
    // The follower subscribes right after the first read; wait until it joined the room.
    await joined;
    appendFileSync(join(t.trialDir, 'stdout.log'), 'second\n');
    s.service.finishTrial(exp, t.id, 'SUCCEEDED', 0.5);
    const r = await run;
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'first\nsecond\n');
    assert.match(r.err, /ended: SUCCEEDED/);
  });

  it('log trial --follow of an ended trial prints it and exits at once', async () => {
    const r = await h.run(['log', 'trial', exp, 't0', '--follow']);
    assert.equal(r.code, 0);
    assert.equal(r.out, 'epoch 1\n');
  });

  it('view, stop (409 on second stop), resume, stop --all and the id/--all rule', async () => {
    const v = await h.run(['view', exp]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /\(view only\)/);
    assert.equal((await h.run(['stop', exp])).out, `experiment ${exp} STOPPED\n`);
    const again = await h.run(['stop', exp]);
    assert.equal(again.code, 2);
    assert.match(again.err, /already stopped/);
    const resume = await h.run(['resume', exp]);
    assert.match(resume.out, new RegExp(`experiment ${exp} RUNNING`));
    const all = await h.run(['stop', '--all']);
    assert.equal(all.out, `experiment ${exp} STOPPED\n`);
    assert.equal((await h.run(['stop', '--all'])).out, 'no running experiments\n');
    const neither = await h.run(['stop']);
    assert.equal(neither.code, 2);
    assert.match(neither.err, /give an experiment id or --all/);
  });

  it('experiment delete asks for --yes when it cannot prompt; deletes with --yes or a yes answer', async () => {
    const no = await h.run(['experiment', 'delete', exp]);
    assert.equal(no.code, 2);
    assert.match(no.err, /add --yes to confirm/);
    const declined = await h.run(['experiment', 'delete', exp], { confirm: async () => false });
    assert.equal(declined.out, 'not deleted\n');
    assert.ok(s.service.experiments.has(exp));
    const yes = await h.run(['experiment', 'delete', exp, '--yes']);
    assert.equal(yes.code, 0);
    assert.ok(!s.service.experiments.has(exp));
  });

  it('daemon status reports the running daemon', async () => {
    const r = await h.run(['daemon', 'status']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`daemon running: pid ${process.pid}, version \\S+`));
    assert.match(r.out, new RegExp(`address: +${s.url}/`));
  });

  it('help texts carry examples; unknown commands and no command exit 2', async () => {
    const help = await h.run(['create', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Examples:\n {2}\$ nasctl create --config/);
    const unknown = await h.run(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command 'frobnicate'/);
    assert.equal((await h.run([])).code, 2);
    assert.equal((await h.run(['experiment'])).code, 2);
    assert.equal((await h.run(['--version'])).code, 0);
  });
});

describe('nasctl CLI without a daemon', () => {
  let h: CliHarness;
  before(() => { h = cliHarness(); });
  after(() => h.cleanup());

  it('commands say no daemon runs and exit 1; daemon status exits 1', async () => {
    const r = await h.run(['experiment', 'list']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no nasctl daemon is running for .*nasctl create --config FILE/);
    const st = await h.run(['daemon', 'status']);
    assert.equal(st.code, 1);
    assert.match(st.out, /no daemon running/);
  });

  it('a stale daemon.json (dead pid) counts as no daemon', async () => {
    writeFileSync(join(h.home, 'daemon.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: '127.0.0.1', port: 1, token: 'x', startedAt: 0, version: 'x' }));
    const st = await h.run(['daemon', 'status']);
    assert.equal(st.code, 1);
    assert.match(st.out, /stale daemon.json/);
    const stop = await h.run(['daemon', 'stop']);
    assert.equal(stop.code, 0);
    assert.match(stop.out, /no daemon running/);
  });

  it('--home overrides NASCTL_HOME', async () => {
    const r = await h.run(['--home', '/nonexistent/nasctl-home', 'experiment', 'list']);
    assert.match(r.err, /\/nonexistent\/nasctl-home/);
  });
});
