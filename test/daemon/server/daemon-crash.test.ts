import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { TrialRecord } from '../../../daemon/store/types';

const MAIN = join(__dirname, '..', '..', '..', 'daemon', 'server', 'main.js');
const TRIAL =
  `sleep 0.3; printf '{"type":"metric","trialId":"%s","kind":"intermediate","value":0.1}\\n{"type":"metric","trialId":"%s","kind":"final","value":0.9}\\n' "$NASCTL_TRIAL_ID" "$NASCTL_TRIAL_ID" >&3`;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref())]);
}

/** Starts the real background daemon and resolves with its port once it logs that it serves. */
function startDaemon(home: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [MAIN, '--home', home, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return within(
    new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving .* on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve({ child, port: Number(m[1]) });
      });
      child.on('exit', (code) => reject(new Error(`daemon exited with ${code}: ${out}`)));
    }),
    20_000,
    'daemon start',
  );
}

/** Processes (any) whose environment names this experiment. */
function processesOf(experimentId: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`NASCTL_EXPERIMENT_ID=${experimentId}`)) {
        const state = readFileSync(`/proc/${name}/stat`, 'latin1').split(') ')[1]?.[0];
        if (state !== 'Z') out.push(Number(name));
      }
    } catch {
      // gone
    }
  }
  return out;
}

async function api<T>(port: number, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Resolves once `predicate` holds for a delta of the experiment (checked on every delta). */
function waitForDelta(socket: Socket, experimentId: string, predicate: (d: LiveDelta) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const onDelta = (d: LiveDelta) => {
      if (d.experimentId === experimentId && predicate(d)) {
        socket.off('delta', onDelta);
        resolve();
      }
    };
    socket.on('delta', onDelta);
    socket.emit('subscribe', { experimentId });
  });
}

describe('the daemon killed with SIGKILL mid-run, then restarted', () => {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('resumes by itself, ends orphans, and completes exactly maxTrialNumber trials with nothing lost', async () => {
    let { child, port } = await startDaemon(home);
    children.push(child);
    const { id } = await api<{ id: string }>(port, 'POST', '/experiments', {
      config: {
        searchSpace: { x: { _type: 'randint', _value: [0, 1_000_000] } },
        trialCommand: TRIAL,
        trialConcurrency: 3,
        maxTrialNumber: 15,
        tuner: { name: 'random' },
        trainingService: { platform: 'local' },
      },
      baseDir: home,
    });
    const succeededBefore: string[] = [];
    // Kill at several points: after 2, then 5 more, then 4 more trials succeeded.
    for (const wanted of [2, 7, 11]) {
      const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
      const seen = new Set<string>();
      await within(
        waitForDelta(socket, id, (d) => {
          if (d.type === 'trial' && d.trial.status === 'SUCCEEDED') seen.add(d.trial.id);
          return seen.size + succeededBefore.length >= wanted;
        }),
        30_000,
        `${wanted} trials to succeed`,
      );
      socket.close();
      const page = await api<{ items: TrialRecord[] }>(port, 'GET', `/experiments/${id}/trials?limit=1000`);
      succeededBefore.splice(0, succeededBefore.length, ...page.items.filter((t) => t.status === 'SUCCEEDED').map((t) => t.id));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      ({ child, port } = await startDaemon(home));
      children.push(child);
    }
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    const done = waitForDelta(socket, id, (d) => d.type === 'experiment' && d.experiment.status === 'DONE');
    const already = await api<{ status: string }>(port, 'GET', `/experiments/${id}`);
    if (already.status !== 'DONE') await within(done, 60_000, 'the experiment to finish');
    socket.close();

    const { items } = await api<{ items: TrialRecord[] }>(port, 'GET', `/experiments/${id}/trials?limit=1000`);
    const tunerTrials = items.filter((t) => t.source === 'tuner');
    assert.equal(tunerTrials.length, 15, 'exactly maxTrialNumber parameter sets');
    for (const sid of succeededBefore) {
      const t = items.find((x) => x.id === sid);
      assert.equal(t?.status, 'SUCCEEDED', `trial ${sid} finished before a crash and must still be there`);
      const { metrics } = await api<{ metrics: unknown[] }>(port, 'GET', `/experiments/${id}/trials/${sid}/metrics`);
      assert.equal(metrics.length, 2, `metrics of ${sid} survive`);
    }
    // Every parameter set ends with a success: the original or its re-run after an interruption.
    for (const t of tunerTrials) {
      const chain = [t, ...items.filter((x) => x.retryOf === t.id)];
      assert.ok(chain.some((x) => x.status === 'SUCCEEDED'), `parameters of ${t.id} never succeeded: ${chain.map((x) => `${x.status}:${x.reason ?? ''}`).join(', ')}`);
    }
    const interrupted = items.filter((t) => t.status === 'SYS_CANCELED');
    for (const t of interrupted) assert.match(t.reason ?? '', /^interrupted/);
    assert.deepEqual(processesOf(id), [], 'no trial process of the experiment is left');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
});
